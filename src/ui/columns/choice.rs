//! What the user chose per list pane: the sort column and direction, and the hidden columns.
//! The choice is kept in `view.toml` (`crate::view_file`); this module turns it into that file
//! and back, checking every name against the panes' columns.

use super::{Sorts, of, pane_name, pane_title};
use crate::ui::view::{ListPane, PerPane};
use crate::view_file::{Located, PaneView, ViewFile};

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
    use crate::ui::columns::QUOTE_COUNT;

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
