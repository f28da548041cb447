//! The update step before a frame: for the terminal's size, the list panes' heights, what each
//! pane shows (`lists::prepare`, kept in the app until something changes), the charts' scales,
//! and the overlays' scroll fitted to the room they have. Drawing (`draw.rs`) then only paints.

use ratatui::layout::Rect;

use super::app::App;
use super::layout;
use super::lists;
use super::overlay::Overlay;
use super::panes;
use super::view::ListPane;

impl App {
    /// Something the screen shows may have changed (rows, a key, the clock): the next frame
    /// prepares its rows again.
    pub(super) fn touch(&mut self) {
        self.stale = true;
    }

    /// Brings what the next frame shows up to date for a terminal of `area`. Cheap when nothing
    /// changed since the last call: an idle ki2 gathers nothing. Returns whether the panes'
    /// rows were gathered again.
    pub fn settle(&mut self, area: Rect) -> bool {
        let Some(s) = layout::screen(area, self) else { return false };
        let gather = self.stale || self.prepared_for != Some(s) || self.prepared.is_none() || self.catch_behind();
        if gather {
            for pane in ListPane::ALL {
                self.view.lists[pane].height = panes::body_height(s.list(pane));
            }
            let p = lists::prepare(&self.data, &mut self.view);
            let net = self.view.net;
            if let Some(max) = panes::programs::data_max(net, &p.programs, s.programs) {
                self.view.programs_scale.data_max = max;
            }
            if let Some(max) = panes::series::data_max(&p.s2, &p.s1, s.series) {
                self.view.series_scale.data_max = max;
            }
            self.prepared = Some(p);
            self.prepared_for = Some(s);
            self.stale = false;
        }
        // What the sinks did moves on its own (deliveries, retries): asked once a frame, here.
        if self.data.alerting.has_sinks() {
            self.status.sinks = self.data.alerting.sinks();
        }
        self.settle_overlay(s.body);
        gather
    }

    /// The threshold editor's counts are out of date: rows came since, and they are only
    /// gathered again a while later (`Catch::fits`), maybe when nothing else changes.
    fn catch_behind(&self) -> bool {
        let Overlay::Rules(ed) = &self.view.overlay else { return false };
        let rules = self.data.alerting.rules();
        let Some(rule) = rules.rules().get(ed.row.min(rules.len().saturating_sub(1))) else { return false };
        !self.view.catch.as_ref().is_some_and(|c| c.fits(self.data.shown(), rule))
    }

    /// The overlay's selection and scroll, fitted to the rows it has room for.
    fn settle_overlay(&mut self, area: Rect) {
        let data = &self.data;
        match &mut self.view.overlay {
            Overlay::Help(scroll) => *scroll = panes::help::fit(*scroll, &self.keys, self.opts.theme, area),
            Overlay::Days(p) => p.nav.fit(p.days.len(), panes::days::rows(p, area)),
            Overlay::Malformed(nav) => nav.fit(data.shown().malformed().len(), panes::malformed::rows(area)),
            Overlay::Rules(ed) => ed.row = ed.row.min(data.alerting.rules().len().saturating_sub(1)),
            Overlay::Symbol(v) => panes::symbol_view::fit(v, area),
            Overlay::Baskets(v) => panes::baskets::fit(v, &data.baskets, area),
            Overlay::Edges(v) => panes::edges::fit(v, area),
            Overlay::None | Overlay::Sinks | Overlay::Message(_) | Overlay::Columns(_) | Overlay::Opening(_) => {}
        }
    }
}
