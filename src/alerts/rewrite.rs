//! Saving rules into the user's own file: the `[[rule]]` tables are updated in place, so the
//! comments, blank lines, key order and anything else the user wrote survive a save from the
//! TUI (a file written afresh would drop them all).

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

/// Keys a rule may leave out, with the value that leaving them out means: a key the user did
/// not write is not added for a rule that keeps its default.
fn is_default(key: &str, v: &Value) -> bool {
    match key {
        "enabled" => v.as_bool() == Some(true),
        "cooldown_s" => v.as_integer() == Some(0),
        "symbols" => v.as_array().is_some_and(|a| a.is_empty()),
        _ => false,
    }
}

/// The same TOML value, whatever its formatting (`2_000` is `2000`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Integer(x), Value::Integer(y)) => x.value() == y.value(),
        (Value::Float(x), Value::Float(y)) => x.value() == y.value(),
        (Value::String(x), Value::String(y)) => x.value() == y.value(),
        (Value::Boolean(x), Value::Boolean(y)) => x.value() == y.value(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| same(a, b)),
        _ => false,
    }
}

fn name(t: &Table) -> Option<&str> {
    t.get("name").and_then(Item::as_str)
}

/// Moves what `new` says about one rule into the user's table `old`, keeping its formatting.
fn update(old: &mut Table, new: &Table) {
    let gone: Vec<String> = old.iter().map(|(k, _)| k.to_string()).filter(|k| !new.contains_key(k)).collect();
    for k in gone {
        old.remove(&k);
    }
    for (k, item) in new.iter() {
        let Some(v) = item.as_value() else { continue };
        match old.get_mut(k).and_then(Item::as_value_mut) {
            Some(mine) if same(mine, v) => {}
            Some(mine) => {
                // The new value, with the spacing and comment the user had around the old one.
                let decor = mine.decor().clone();
                *mine = v.clone();
                *mine.decor_mut() = decor;
            }
            None if is_default(k, v) => {}
            None => {
                old.insert(k, item.clone());
            }
        }
    }
}

/// `fresh` (rules written afresh, as `RuleSet::to_toml` does) merged into `user` (the file's
/// current text): rules matched by name keep their table, comments and layout; new rules are
/// appended as written; deleted ones go; the order is `fresh`'s. Everything outside the rules
/// stays as it was.
pub fn merge(user: &str, fresh: &str) -> Result<String, String> {
    let mut doc: DocumentMut = user.parse().map_err(|e| format!("the file as it is: {e}"))?;
    let new: DocumentMut = fresh.parse().map_err(|e| format!("the rules to save: {e}"))?;
    let empty = ArrayOfTables::new();
    let new_rules = new.get("rule").and_then(Item::as_array_of_tables).unwrap_or(&empty);
    let mut old: Vec<Option<Table>> = match doc.remove("rule") {
        Some(Item::ArrayOfTables(a)) => a.into_iter().map(Some).collect(),
        _ => Vec::new(),
    };
    let mut merged = ArrayOfTables::new();
    for fresh_rule in new_rules.iter() {
        let at = old.iter().position(|t| t.as_ref().is_some_and(|t| name(t).is_some() && name(t) == name(fresh_rule)));
        match at.and_then(|i| old[i].take()) {
            Some(mut mine) => {
                update(&mut mine, fresh_rule);
                merged.push(mine);
            }
            None => merged.push(fresh_rule.clone()),
        }
    }
    if !merged.is_empty() {
        doc.insert("rule", Item::ArrayOfTables(merged));
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = r#"# My rules. Keep this comment.

[[rule]]
# the Burst Monitor's red rows
name = "quote-stuffing"
source = "quotes"
field = "num_quotes"
op = ">="
value = 2_000   # raised in March

[[rule]]
name = "old"
source = "s1"
field = "value"
op = ">"
value = 5
"#;

    const FRESH: &str = r#"# ki2 alert rules
[[rule]]
name = "quote-stuffing"
source = "quotes"
field = "num_quotes"
op = ">="
value = 2500
symbols = []
cooldown_s = 0
enabled = true

[[rule]]
name = "capper"
source = "bursts"
field = "s1"
op = ">="
value = 200
symbols = []
cooldown_s = 0
enabled = false
"#;

    #[test]
    fn comments_and_layout_survive_a_save() -> Result<(), String> {
        let out = merge(USER, FRESH)?;
        assert!(out.starts_with("# My rules. Keep this comment.\n"), "{out}");
        assert!(out.contains("# the Burst Monitor's red rows\nname = \"quote-stuffing\""), "{out}");
        assert!(out.contains("value = 2500   # raised in March\n"), "{out}");
        // Defaults the user left out stay out; a deleted rule goes; a new one comes whole.
        assert!(!out.contains("cooldown_s = 0\nenabled = true"), "{out}");
        assert!(!out.contains("name = \"old\""), "{out}");
        assert!(out.contains("name = \"capper\"") && out.contains("enabled = false"), "{out}");
        let reread: DocumentMut = out.parse().map_err(|e| format!("{e}"))?;
        let rules = reread.get("rule").and_then(Item::as_array_of_tables).ok_or("no rules")?;
        assert_eq!(rules.len(), 2);
        Ok(())
    }

    #[test]
    fn an_unchanged_value_keeps_its_spelling() -> Result<(), String> {
        let out = merge(USER, &FRESH.replace("value = 2500", "value = 2000"))?;
        assert!(out.contains("value = 2_000   # raised in March"), "{out}");
        Ok(())
    }
}
