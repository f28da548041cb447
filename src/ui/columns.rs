//! The columns of each list pane — title, width, how it sorts — and what the user chose per
//! pane: the sort column and direction, and the hidden columns. The choice is kept in
//! `view.toml` (`crate::view_file`); this module turns it into that file and back, checking
//! every name against the columns here.

use super::panes::{Col, col};
use super::view::{ListPane, PerPane};
use crate::view_file::{Located, PaneView, ViewFile};

/// Which way a column sorts when it is first chosen, or that it does not sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sorts {
    No,
    /// Smallest (A, oldest) first: names.
    Up,
    /// Largest (newest) first: numbers and times.
    Down,
}

pub struct Column {
    /// Its name in view.toml.
    pub name: &'static str,
    pub col: Col,
    pub sorts: Sorts,
}

const fn c(name: &'static str, title: &'static str, width: u16, right: bool, keep: u8, sorts: Sorts) -> Column {
    Column { name, col: col(title, width, right, keep), sorts }
}

use Sorts::{Down, No, Up};

/// High Quote Counts; `lists::QUOTE_FIELDS` holds the store's field of each, in this order.
pub const QUOTES: [Column; 7] = [
    c("time", "Time", 8, false, 9, Down),
    c("symbol", "Symbol", 8, false, 9, Up),
    c("count", "Count", 6, true, 8, Down),
    c("trades", "Trades", 6, true, 6, Down),
    c("bbo", "BBO", 5, true, 5, Down),
    c("dollars", "$", 7, true, 4, Down),
    c("size", "Size", 6, true, 3, Down),
];
pub const QUOTE_COUNT: usize = 2;

/// Basket: the burst's recurring basket (`7f3a·12`: its short id and its bursts before this
/// one), the least needed column, so it shows only where there is room.
pub const BURSTS: [Column; 11] = [
    c("time", "Time", 8, false, 9, Down),
    c("grade", "Grade", 5, false, 8, Down),
    c("prog_type", "ProgType", 8, false, 8, Up),
    c("background", "Bckgrnd", 7, false, 3, Up),
    c("s1", "S1", 4, true, 7, Down),
    c("s2", "S2", 4, true, 4, Down),
    c("ct", "CT", 4, true, 5, Down),
    c("cb", "CB", 4, true, 6, Down),
    c("cs", "CS", 4, true, 6, Down),
    c("cu", "CU", 4, true, 2, Down),
    c("basket", "Basket", 9, false, 1, Down),
];
pub const SYMBOLS: [Column; 4] = [
    c("symbol", "Symbol", 8, false, 9, Up),
    c("nt", "NT", 5, true, 8, Down),
    c("nq", "NQ", 6, true, 7, Down),
    c("bbo", "BBO", 5, true, 6, Down),
];

pub const ALERTS: [Column; 6] = [
    c("time", "Time", 8, false, 9, Down),
    c("rule", "Rule", 14, false, 6, Up),
    c("symbol", "Symbol", 7, false, 8, Up),
    c("value", "Value", 7, true, 7, Down),
    c("threshold", "Thresh", 9, true, 3, Down),
    c("seen_before", "Seen before", 40, false, 1, No),
];

/// The place of the column named `name` among `cols`. Meant for constants
/// (`const TIME: usize = at(&BURSTS, "time");`): a name that is not there stops the build
/// instead of matching nothing at run time.
pub const fn at(cols: &[Column], name: &str) -> usize {
    let mut i = 0;
    while i < cols.len() {
        if same(cols[i].name.as_bytes(), name.as_bytes()) {
            return i;
        }
        i += 1;
    }
    panic!("no column of that name")
}

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

pub fn of(pane: ListPane) -> &'static [Column] {
    match pane {
        ListPane::Quotes => &QUOTES,
        ListPane::Bursts => &BURSTS,
        ListPane::Symbols => &SYMBOLS,
        ListPane::Alerts => &ALERTS,
    }
}

/// The pane's section in view.toml.
pub fn pane_name(pane: ListPane) -> &'static str {
    match pane {
        ListPane::Quotes => "quotes",
        ListPane::Bursts => "bursts",
        ListPane::Symbols => "symbols",
        ListPane::Alerts => "alerts",
    }
}

pub fn pane_title(pane: ListPane) -> &'static str {
    match pane {
        ListPane::Quotes => "High Quote Counts",
        ListPane::Bursts => "Burst Signals",
        ListPane::Symbols => "Syms Hit At",
        ListPane::Alerts => "Alerts",
    }
}

/// A column to sort by, and whether largest (newest, Z) first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sort {
    pub col: usize,
    pub desc: bool,
}

impl Sort {
    pub fn arrow(self) -> &'static str {
        if self.desc { "↓" } else { "↑" }
    }
}

/// One pane's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaneColumns {
    pub sort: Sort,
    /// Bit i: column i is hidden.
    hidden: u16,
}

impl PaneColumns {
    /// As the Burst Monitor shows the pane: newest first, the symbols most traded first.
    pub fn default_for(pane: ListPane) -> PaneColumns {
        let col = if pane == ListPane::Symbols { 1 } else { 0 };
        PaneColumns { sort: Sort { col, desc: true }, hidden: 0 }
    }

    /// The user hid a column: the others share its room.
    pub fn any_hidden(&self) -> bool {
        self.hidden != 0
    }

    pub fn shown(&self, i: usize) -> bool {
        self.hidden & (1 << i) == 0
    }

    /// Shows a hidden column or hides a shown one; the last column shown stays.
    pub fn toggle(&mut self, pane: ListPane, i: usize) -> Result<bool, String> {
        let n = of(pane).len();
        if i >= n {
            return Err("no such column".into());
        }
        if self.shown(i) && (0..n).filter(|&k| self.shown(k)).count() == 1 {
            return Err(format!("{}: one column at least stays shown", pane_title(pane)));
        }
        self.hidden ^= 1 << i;
        Ok(self.shown(i))
    }

    /// Sorts by the next (or previous) column that is shown and can sort, in
    /// that column's first direction. False when there is no other such column.
    pub fn cycle(&mut self, pane: ListPane, forward: bool) -> bool {
        let cols = of(pane);
        let n = cols.len();
        let ok = |i: usize| cols[i].sorts != Sorts::No && self.shown(i);
        let next = (1..n)
            .map(|k| if forward { (self.sort.col + k) % n } else { (self.sort.col + n - k) % n })
            .find(|&i| ok(i));
        match next {
            Some(i) => {
                self.sort = Sort { col: i, desc: cols[i].sorts == Sorts::Down };
                true
            }
            None => false,
        }
    }
}

/// One choice per list pane.
pub type Columns = PerPane<PaneColumns>;

impl Default for Columns {
    fn default() -> Self {
        PerPane::from_fn(PaneColumns::default_for)
    }
}

impl Columns {
    /// The choice as view.toml holds it: every pane, in `Tab` order.
    pub fn to_file(self) -> ViewFile {
        let panes = ListPane::ALL
            .into_iter()
            .map(|p| {
                let cols = of(p);
                let c = self[p];
                PaneView {
                    pane: Located::new(pane_name(p).to_owned()),
                    sort: Some(Located::new(cols[c.sort.col].name.to_owned())),
                    descending: Some(c.sort.desc),
                    hidden: (0..cols.len())
                        .filter(|&i| !c.shown(i))
                        .map(|i| Located::new(cols[i].name.into()))
                        .collect(),
                }
            })
            .collect();
        ViewFile { panes, origin: None }
    }

    /// The choice a file holds (panes it does not name keep their defaults), or what is wrong
    /// with it: the first mistake, with its line.
    pub fn from_file(file: &ViewFile) -> Result<Columns, String> {
        let err = |at: &str, msg: String| format!("{at}: {msg}");
        let mut out = Columns::default();
        for p in &file.panes {
            let Some(pane) = ListPane::ALL.into_iter().find(|&lp| pane_name(lp) == p.pane.value) else {
                let names: Vec<&str> = ListPane::ALL.map(pane_name).to_vec();
                return Err(err(
                    &p.pane.at,
                    format!("[{}]: no such pane (one of: {})", p.pane.value, names.join(", ")),
                ));
            };
            let cols = of(pane);
            let names = || cols.iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
            let find = |what: &str, v: &Located<String>| {
                cols.iter().position(|c| c.name == v.value).ok_or_else(|| {
                    err(&v.at, format!("{}.{what} = {:?}: no such column (one of: {})", p.pane.value, v.value, names()))
                })
            };
            let mut choice = PaneColumns::default_for(pane);
            if let Some(s) = &p.sort {
                let i = find("sort", s)?;
                if cols[i].sorts == Sorts::No {
                    return Err(err(
                        &s.at,
                        format!("{}.sort = {:?}: this column does not sort", p.pane.value, s.value),
                    ));
                }
                choice.sort = Sort { col: i, desc: cols[i].sorts == Sorts::Down };
            }
            if let Some(d) = p.descending {
                choice.sort.desc = d;
            }
            for h in &p.hidden {
                choice.hidden |= 1 << find("hidden", h)?;
            }
            if (0..cols.len()).all(|i| !choice.shown(i)) {
                return Err(err(&p.pane.at, format!("[{}]: every column hidden; one at least stays", p.pane.value)));
            }
            out[pane] = choice;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_goes_through_the_file_and_back() -> Result<(), String> {
        let mut c = Columns::default();
        c[ListPane::Quotes].sort = Sort { col: QUOTE_COUNT, desc: true };
        c[ListPane::Quotes].toggle(ListPane::Quotes, 6)?;
        c[ListPane::Alerts].sort.desc = false;
        let file = ViewFile::parse(&c.to_file().to_toml())?;
        assert_eq!(Columns::from_file(&file)?, c);
        Ok(())
    }

    #[test]
    fn a_wrong_name_is_named_with_its_line() -> Result<(), String> {
        let file = ViewFile::parse("[quotes]\nsort = \"cnt\"\n")?;
        let e = Columns::from_file(&file).err().unwrap_or_default();
        assert!(e.starts_with("line 2, column 8: quotes.sort = \"cnt\": no such column (one of: time"), "{e}");
        let file = ViewFile::parse("[panes]\n")?;
        assert!(Columns::from_file(&file).err().unwrap_or_default().contains("[panes]: no such pane"));
        let file = ViewFile::parse("[symbols]\nhidden = [\"symbol\", \"nt\", \"nq\", \"bbo\"]\n")?;
        assert!(Columns::from_file(&file).err().unwrap_or_default().contains("one at least stays"));
        Ok(())
    }

    #[test]
    fn the_last_shown_column_stays_and_cycling_skips_hidden_ones() {
        let p = ListPane::Symbols;
        let mut c = PaneColumns::default_for(p);
        for i in 0..3 {
            assert_eq!(c.toggle(p, i), Ok(false));
        }
        assert!(c.toggle(p, 3).is_err());
        // Sorted by NT, hidden now: BBO is the one column left to sort by, then none other.
        assert!(c.cycle(p, true));
        assert_eq!(c.sort, Sort { col: 3, desc: true });
        assert!(!c.cycle(p, false), "BBO is the only column shown");
        let mut c = PaneColumns::default_for(ListPane::Quotes);
        let _ = c.toggle(ListPane::Quotes, 1);
        assert!(c.cycle(ListPane::Quotes, true));
        assert_eq!(c.sort, Sort { col: QUOTE_COUNT, desc: true }, "Symbol is hidden: Time → Count");
        assert!(c.cycle(ListPane::Quotes, false));
        assert_eq!(c.sort, Sort { col: 0, desc: true });
    }
}
