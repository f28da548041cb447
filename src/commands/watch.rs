//! `ki2 watch`: the TUI over an archive. The chosen day is tailed (every appended row shows up);
//! `d` reads other days whole. Everything the UI needs from files comes through `ArchiveIo`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use std::sync::Arc;

use anyhow::{Context, Result};

use crate::alerts::{Delivery, Evaluator, RuleSet, RulesOrigin};
use crate::analysis::baskets::{BasketsWorker, SharedBaskets};
use crate::archive::{Archive, ColumnOrder, DateSpec, Day, DayData};
use crate::cli::WatchArgs;
use crate::config::Config;
use crate::store::DayStore;
use crate::tail::{self, TailOptions};
use crate::ui::{self, App, AppOptions, Pacing, Theme};
use crate::view_file::ViewFile;

pub fn run(config: &Config, args: WatchArgs) -> Result<ExitCode> {
    let spec = super::date_spec(&args.date)?;
    let root = args.root.root.clone();
    let archive = Archive::discover(&root)?;
    // A root the Burst Monitor has not written to yet is waited for (today, then the days
    // after), not an error.
    let crate::archive::Live { day, waiting } = archive.resolve_live(spec)?;
    let (rules, origin) = RuleSet::resolve(args.rules.as_deref())?;
    let rules_path = match origin {
        RulesOrigin::File(p) => p,
        RulesOrigin::Defaults => RuleSet::user_path(),
    };
    let store = DayStore::new(day).map_err(|e| anyhow::anyhow!("cannot set up the store: {e}"))?;
    // History is indexed in the background; nothing here waits for it.
    let builder = crate::history::held_builder(&root, &crate::config::data_dir(), config.columns);
    // The Edges view's study, on its own thread once the view asks (it reads the index and bars).
    let study = super::study::background::spawn(super::study::background::Setup {
        config: config.clone(),
        root: root.clone(),
        prices: args.prices.clone(),
        rules: rules.clone(),
        builder: builder.clone(),
        keep_bars: super::study::background::KEEP_BARS,
    });
    // The closed days' baskets, synced once for the alert path and the Baskets view.
    let baskets = SharedBaskets::new(&archive, builder.clone(), config.basket_similarity);
    let evaluator = Evaluator::new(rules)
        .with_enricher(crate::history::enricher(&archive, builder.clone()))
        .with_context(super::alert_context_sharing(&archive, builder.clone(), baskets.clone()));
    let history = crate::history::spawn(builder.clone(), root.clone(), crate::history::closed_days(&archive, day));
    let opts = TailOptions {
        root: root.clone(),
        day,
        // `latest` and `today` move on to the next day when its files appear.
        follow_days: !matches!(spec, DateSpec::Day(_)),
        poll_only: args.poll,
        poll_interval: config.poll_interval,
        columns: config.columns,
    };
    let app_opts = AppOptions {
        root_label: root.display().to_string(),
        theme: Theme::from_env(),
        bell: config.bell,
        live: true,
        columns: config.columns.burst,
    };
    let (delivery, warnings) = Delivery::from_config(&config.sinks, &root, &crate::config::data_dir());
    // A mistake in [keys] is found before the terminal is taken over.
    let keys = ui::Keymap::with(&config.keys).map_err(|e| {
        let file = config.source.as_ref().map_or_else(|| "config.toml".to_owned(), |p| p.display().to_string());
        anyhow::anyhow!("config file {file}: {e}")
    })?;
    let view_path = ViewFile::path_in(&crate::config::config_dir());
    let mut app = App::new(store, app_opts, evaluator)
        .with_delivery(delivery)
        .with_history(history)
        .with_study(study)
        .with_bars(super::study::day_bars::spawn(
            args.prices.clone().or_else(|| config.prices.dir.clone()),
            config.prices.bar_s,
        ))
        .with_keys(keys)
        .with_clipboard(config.clipboard)
        .with_saved_view(ViewFile::load(&view_path));
    if let Some(w) = warnings.first().or(config.warnings.first()) {
        app.complain(w.clone());
    }
    if waiting {
        tracing::info!("{}", crate::archive::waiting_message(&root));
        app.wait_for_files();
    }
    let baskets = BasketsWorker::sharing(baskets);
    let mut io = ArchiveIo::new(root.clone(), config.columns, rules_path, view_path)
        .with_baskets(baskets)
        .with_prices(args.prices.clone().or_else(|| config.prices.dir.clone()), config.prices.bar_s);
    // `[lake] dir`: the live day as Parquet too, on a thread of its own, fed by the same
    // tailer as the screen (each row read and parsed once) while it keeps up.
    let mut side = None;
    if let Some(dir) = &config.lake.dir {
        // The same day, followed the same way, as the tailer that feeds it.
        let lake_opts = crate::lake::LakeOptions {
            root: opts.root.clone(),
            out: dir.clone(),
            day: opts.day,
            follow_days: opts.follow_days,
            poll_only: opts.poll_only,
            poll_interval: opts.poll_interval,
            columns: opts.columns,
            flush: config.lake.flush,
            compact_parts: crate::lake::LakeOptions::DEFAULT_COMPACT_PARTS,
        };
        let (to_lake, feed) = tail::share(tail::ShareBound::DEFAULT);
        match crate::lake::spawn_sharing(lake_opts, feed) {
            Ok(h) => {
                io.lake = Some(h);
                side = Some(to_lake);
            }
            Err(e) => app.complain(format!("lake: {e:#}")),
        }
        // With prices, the lake gets each day's bars too (today's as its file grows).
        if let Some(prices) = args.prices.clone().or_else(|| config.prices.dir.clone()) {
            match crate::lake::bars::BarsFollower::spawn(root.clone(), prices, config.prices.bar_s, dir.clone()) {
                Ok(b) => io.lake_bars = Some(b),
                Err(e) => app.complain(format!("lake: {e:#}")),
            }
        }
    }
    let (handle, rx) = match side {
        Some(side) => tail::spawn_sharing(opts, side)?,
        None => tail::spawn(opts)?,
    };
    tracing::info!("watch {} {day}", archive.root.display());
    let pacing = Pacing { min_frame: config.frame_interval, budget: config.output_budget };
    let result = ui::run(&mut app, Some(rx), &mut io, pacing);
    handle.stop();
    let exit = result?;
    tracing::info!("watch ended: {exit:?}");
    Ok(ExitCode::from(exit.code()))
}

/// The UI's way to the archive and the rules file.
pub struct ArchiveIo {
    root: PathBuf,
    columns: ColumnOrder,
    rules_path: PathBuf,
    rules_stamp: Option<(SystemTime, u64)>,
    /// view.toml: the list panes' sort and columns.
    view_path: PathBuf,
    /// The live Parquet lake, when `[lake] dir` is set (dropping it writes what is pending).
    pub lake: Option<crate::lake::LakeHandle>,
    /// The lake's bars, when prices are given too (dropping it stops it).
    pub lake_bars: Option<crate::lake::bars::BarsFollower>,
    /// Finds the recurring baskets of the closed days (the Baskets view).
    baskets: Option<Arc<BasketsWorker>>,
    /// The bars the Baskets view's returns after a basket fires are computed from.
    prices: super::study::fires::Prices,
}

impl ArchiveIo {
    pub fn new(root: PathBuf, columns: ColumnOrder, rules_path: PathBuf, view_path: PathBuf) -> ArchiveIo {
        let rules_stamp = stamp(&rules_path);
        ArchiveIo {
            root,
            columns,
            rules_path,
            rules_stamp,
            view_path,
            lake: None,
            lake_bars: None,
            baskets: None,
            prices: Default::default(),
        }
    }

    /// The Baskets view finds the baskets with this (else it says there is no index here).
    pub fn with_baskets(mut self, worker: BasketsWorker) -> ArchiveIo {
        self.baskets = Some(Arc::new(worker));
        self
    }

    /// With bars (`--prices`, `[prices] dir`), the Baskets view shows the returns after each fires.
    pub fn with_prices(mut self, dir: Option<PathBuf>, bar_s: Option<u32>) -> ArchiveIo {
        self.prices = super::study::fires::Prices { dir, bar_s };
        self
    }
}

/// What says a file changed: its modification time and, for writes within one tick of a coarse
/// clock (network shares), its length.
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

impl ui::Io for ArchiveIo {
    fn days(&mut self) -> Vec<Day> {
        match Archive::discover(&self.root) {
            Ok(a) => a.days.keys().copied().collect(),
            Err(e) => {
                tracing::warn!("listing days: {e}");
                Vec::new()
            }
        }
    }

    fn load_day(&mut self, day: Day) -> Result<DayData> {
        let archive = Archive::discover_day(&self.root, day)?;
        let files = archive.files(day);
        // The day was listed, so its files went away since (a share dropped, a folder moved):
        // said, rather than shown as a day without a row.
        if files.is_empty() {
            anyhow::bail!("no file of {day} under {} any more", self.root.display());
        }
        Ok(crate::archive::read_day(&files, self.columns))
    }

    fn save_rules(&mut self, rules: &RuleSet) -> Result<PathBuf> {
        if let Some(dir) = self.rules_path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        rules.save_atomic(&self.rules_path)?;
        self.rules_stamp = stamp(&self.rules_path);
        Ok(self.rules_path.clone())
    }

    fn save_view(&mut self, view: &ViewFile) -> Result<PathBuf> {
        view.save_atomic(&self.view_path)?;
        Ok(self.view_path.clone())
    }

    fn lake(&mut self) -> Option<(String, bool)> {
        let s = self.lake.as_ref()?.status();
        Some((s.line(), s.error.is_some() || s.stopped))
    }

    /// The baskets of the closed days before `day`, found on a thread of their own (the first
    /// time over a year of archive, every burst is matched: tens of seconds).
    fn baskets(&mut self, day: Day, sides: crate::analysis::baskets::BurstSides) -> Option<ui::BasketsJob> {
        let worker = self.baskets.clone()?;
        let n = worker.days_before(day);
        let (tx, rx) = std::sync::mpsc::channel();
        let prices = self.prices.clone();
        let started = std::thread::Builder::new().name("ki2-baskets".into()).spawn({
            let tx = tx.clone();
            move || {
                // The table goes out first; the returns after each basket fires (the bars of
                // every day they fired on) fill in behind it.
                let mut table = worker.compute(day, &sides);
                let fires = table.as_mut().map(|t| (std::mem::take(&mut t.fires), t.returns.clone())).ok();
                let _ = tx.send(table);
                if let Some((fires, slot)) = fires {
                    slot.set(super::study::fires::returns(&prices, fires));
                }
            }
        });
        if let Err(e) = started {
            let _ = tx.send(Err(format!("cannot start a thread: {e}")));
        }
        Some(ui::BasketsJob { days: n, result: rx })
    }

    fn rules_changed(&mut self) -> Option<Result<RuleSet, String>> {
        let now = stamp(&self.rules_path);
        if now == self.rules_stamp || now.is_none() {
            return None;
        }
        self.rules_stamp = now;
        Some(RuleSet::load(&self.rules_path).map_err(|e| format!("{e:#}")))
    }
}
