//! Secrets out of plain sight: the MQTT password and webhook URLs (a Discord or Slack webhook
//! URL is its own token). They may come from the environment or a file instead of config.toml,
//! a config file or password file that holds one and that other users can read is warned of at
//! start (as ssh does for a private key), and a webhook URL is never shown whole: the log, the
//! screen and every message say `https://host/…`.

use std::path::Path;

/// `scheme://host/…`: what may be shown of a URL (no user, password, path or query).
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let tail = if rest.len() > authority.len() || authority.contains('@') { "/…" } else { "" };
    if scheme.is_empty() { format!("{host}{tail}") } else { format!("{scheme}://{host}{tail}") }
}

/// `text` with each secret replaced: a URL by its redacted form, anything else by `…`. For
/// messages made by libraries (an HTTP client's error may quote the URL it was given).
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        let with = if s.contains("://") { redact_url(s) } else { "…".to_owned() };
        out = out.replace(s, &with);
        // The path and query alone are the token too.
        if let Some((_, rest)) = s.split_once("://")
            && let Some(i) = rest.find(['/', '?'])
            && rest.len() - i > 4
        {
            out = out.replace(&rest[i..], "/…");
        }
    }
    out
}

/// The value of a secret given as `NAME_env` (the variable's name) or `NAME_file` (a file whose
/// first line it is). `key` names the setting in messages; the value is never in one.
pub fn from_env(key: &str, var: &str) -> Result<String, String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Ok(v),
        Ok(_) => Err(format!("{key} = {var:?}: the variable is empty")),
        Err(std::env::VarError::NotPresent) => Err(format!("{key} = {var:?}: the variable is not set")),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!("{key} = {var:?}: the variable is not UTF-8")),
    }
}

pub fn from_file(key: &str, path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{key}: cannot read {}: {e}", path.display()))?;
    let first = text.lines().next().unwrap_or_default().trim_end_matches('\r');
    if first.is_empty() {
        return Err(format!("{key}: {} is empty", path.display()));
    }
    Ok(first.to_owned())
}

/// A warning when `path`, which holds `what`, can be read by users other than its owner.
#[cfg(unix)]
pub fn check_private(path: &Path, what: &str) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "{} holds {what} and is readable by other users (permissions {mode:04o}): \
             chmod 600 {}, or give the secret through the environment (password_env, url_env)",
            path.display(),
            path.display()
        )
    })
}

/// Windows: files inherit their folder's access list (the user's profile is private): no check.
#[cfg(not(unix))]
pub fn check_private(_path: &Path, _what: &str) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_shown_as_its_scheme_and_host_only() {
        assert_eq!(redact_url("https://discord.com/api/webhooks/123/T0KEN"), "https://discord.com/…");
        assert_eq!(redact_url("https://user:pw@ntfy.example:8443?auth=x"), "https://ntfy.example:8443/…");
        assert_eq!(redact_url("mqtt://127.0.0.1:1883"), "mqtt://127.0.0.1:1883");
        let url = "http://127.0.0.1:9/hooks/T0KEN-abc";
        let said = scrub(&format!("POST {url}: refused; path /hooks/T0KEN-abc"), &[url, "pa55word"]);
        assert_eq!(said, "POST http://127.0.0.1:9/…: refused; path /…");
        assert_eq!(scrub("bad pa55word here", &["pa55word"]), "bad … here");
    }
}
