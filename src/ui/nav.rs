//! Moving through a list that grows at the end while it is shown newest first. Positions are
//! indexes into the list (0 = oldest), so a selected row stays put as rows arrive; with autosnap
//! on, the selection sticks to the newest row instead.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListNav {
    /// Autosnap: select the newest row whenever rows arrive.
    pub follow: bool,
    /// Selected position.
    pub sel: usize,
    /// Position shown in the first line.
    pub top: usize,
}

impl Default for ListNav {
    fn default() -> Self {
        ListNav { follow: true, sel: 0, top: 0 }
    }
}

pub enum Move {
    Newer(usize),
    Older(usize),
    Newest,
    Oldest,
}

impl ListNav {
    /// Fits the selection and the first shown line to a list of `len` rows shown `height` at a time.
    pub fn fit(&mut self, len: usize, height: usize) {
        if len == 0 {
            self.sel = 0;
            self.top = 0;
            return;
        }
        let last = len - 1;
        if self.follow {
            self.sel = last;
            self.top = last;
        }
        self.sel = self.sel.min(last);
        self.top = self.top.min(last);
        let h = height.max(1);
        if self.sel > self.top {
            self.top = self.sel;
        } else if self.top - self.sel >= h {
            self.top = self.sel + h - 1;
        }
    }

    /// Fits to the list and the height, then gives the positions shown (first line first) and
    /// the selected one: what a list pane needs to draw itself.
    pub fn show(&mut self, len: usize, height: usize) -> (Vec<usize>, Option<usize>) {
        self.fit(len, height);
        (self.visible(len, height).collect(), self.selected(len))
    }

    /// What `show` gives, from a copy: for drawing, which reads the list's place as the update
    /// step fitted it and keeps nothing.
    pub fn shown(&self, len: usize, height: usize) -> (Vec<usize>, Option<usize>) {
        let mut nav = *self;
        nav.show(len, height)
    }

    /// Positions shown, first line first.
    pub fn visible(&self, len: usize, height: usize) -> impl Iterator<Item = usize> + use<> {
        let top = if len == 0 { None } else { Some(self.top.min(len - 1)) };
        let n = top.map_or(0, |t| (t + 1).min(height));
        let t = top.unwrap_or(0);
        (0..n).map(move |i| t - i)
    }

    pub fn apply(&mut self, m: Move, len: usize) {
        if len == 0 {
            return;
        }
        let last = len - 1;
        let from = if self.follow { last } else { self.sel.min(last) };
        self.sel = match m {
            Move::Newer(n) => (from + n).min(last),
            Move::Older(n) => from.saturating_sub(n),
            Move::Newest => last,
            Move::Oldest => 0,
        };
        // Leaving the newest row stops autosnap; coming back to it starts it again, as in lnav.
        self.follow = self.sel == last && !matches!(m, Move::Older(_) | Move::Oldest);
    }

    pub fn select(&mut self, pos: usize) {
        self.follow = false;
        self.sel = pos;
    }

    pub fn selected(&self, len: usize) -> Option<usize> {
        (len > 0).then(|| if self.follow { len - 1 } else { self.sel.min(len - 1) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autosnap_follows_the_newest_row() {
        let mut n = ListNav::default();
        n.fit(10, 5);
        assert_eq!(n.visible(10, 5).collect::<Vec<_>>(), vec![9, 8, 7, 6, 5]);
        n.fit(12, 5);
        assert_eq!(n.selected(12), Some(11));
    }

    #[test]
    fn a_selected_row_stays_put_when_rows_arrive() {
        let mut n = ListNav::default();
        n.fit(10, 5);
        n.apply(Move::Older(2), 10);
        assert!(!n.follow);
        n.fit(10, 5);
        assert_eq!(n.selected(10), Some(7));
        n.fit(50, 5);
        assert_eq!(n.selected(50), Some(7));
        assert_eq!(n.visible(50, 5).next(), Some(9));
    }

    #[test]
    fn scrolling_keeps_the_selection_on_screen() {
        let mut n = ListNav::default();
        n.fit(100, 5);
        n.apply(Move::Older(30), 100);
        n.fit(100, 5);
        let shown: Vec<_> = n.visible(100, 5).collect();
        assert!(shown.contains(&69), "{shown:?}");
        n.apply(Move::Oldest, 100);
        n.fit(100, 5);
        assert_eq!(n.visible(100, 5).last(), Some(0));
        n.apply(Move::Newest, 100);
        assert!(n.follow);
    }

    #[test]
    fn an_empty_list_shows_nothing() {
        let mut n = ListNav::default();
        n.fit(0, 5);
        assert_eq!(n.visible(0, 5).count(), 0);
        assert_eq!(n.selected(0), None);
    }
}
