//! The market clock: how far the Burst Monitor has written, from the times of the rows it
//! appended last.
//!
//! The maximum time ever seen is not it: one row stamped far ahead (`235959` at 09:31, a
//! corrupt or mis-keyed line) would set the clock to the end of the day for the rest of it,
//! and with it the header, which bursts' symbol files count as missing, and the S2/S1 window.
//! The writer appends each file in time order, so each kind's clock is the newest of its last
//! `RECENT` row times, and the market clock the latest of those (per kind: the files are read one
//! after another at start, and a kind that stopped early, the bursts, must not hide the others);
//! a newest time that is more than `MAX_LEAP` ahead of the next newest is not believed until a
//! second row confirms it (one outlier moves nothing, and a real jump, after the writer was
//! stopped a while, shows one row later). An outlier that is not the newest ages out of the
//! window after `RECENT` more rows.

use std::collections::VecDeque;

use crate::archive::{Kind, SecondOfDay};

/// Recent row times kept per kind.
const RECENT: usize = 32;
/// The largest step ahead one row is believed alone.
const MAX_LEAP: u32 = 300;

#[derive(Debug, Clone, Default)]
pub struct MarketClock {
    /// Per kind with a time of its own (hft1, hft2, hft3, bursts).
    kinds: [Recent; 4],
}

#[derive(Debug, Clone, Default)]
struct Recent {
    times: VecDeque<SecondOfDay>,
}

impl MarketClock {
    /// Rows of `kind` appended, in file order (only the last `RECENT` can matter). Symbol files
    /// carry their burst's time, not the writer's progress: they are not counted.
    pub fn saw(&mut self, kind: Kind, times: impl DoubleEndedIterator<Item = SecondOfDay>) {
        let i = match kind {
            Kind::Quotes => 0,
            Kind::S2 => 1,
            Kind::S1 => 2,
            Kind::Bursts => 3,
            Kind::BurstSymbols => return,
        };
        self.kinds[i].saw(times);
    }

    pub fn now(&self) -> Option<SecondOfDay> {
        self.kinds.iter().filter_map(Recent::now).max()
    }
}

impl Recent {
    fn saw(&mut self, times: impl DoubleEndedIterator<Item = SecondOfDay>) {
        let newest: Vec<SecondOfDay> = times.rev().take(RECENT).collect();
        for t in newest.into_iter().rev() {
            if self.times.len() == RECENT {
                self.times.pop_front();
            }
            self.times.push_back(t);
        }
    }

    fn now(&self) -> Option<SecondOfDay> {
        let mut first: Option<SecondOfDay> = None;
        let mut second: Option<SecondOfDay> = None;
        for &t in &self.times {
            if first.is_none_or(|f| t > f) {
                second = first;
                first = Some(t);
            } else if second.is_none_or(|s| t > s) {
                second = Some(t);
            }
        }
        match (first, second) {
            (Some(f), Some(s)) if f.secs() - s.secs() > MAX_LEAP => Some(s),
            (f, _) => f,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(hhmmss: u32) -> SecondOfDay {
        SecondOfDay::from_hhmmss(hhmmss).unwrap_or_default()
    }

    #[test]
    fn one_row_stamped_far_ahead_does_not_move_the_clock() {
        let mut clock = MarketClock::default();
        clock.saw(Kind::Quotes, [t(93000), t(93001), t(235959)].into_iter());
        assert_eq!(clock.now(), Some(t(93001)));
        clock.saw(Kind::Quotes, [t(93002)].into_iter());
        assert_eq!(clock.now(), Some(t(93002)));
        // Rows go on: the outlier ages out and the clock never showed it.
        for s in 3..40 {
            clock.saw(Kind::Quotes, [t(93000 + s)].into_iter());
        }
        assert_eq!(clock.now(), Some(t(93039)));
    }

    #[test]
    fn a_real_jump_is_believed_once_a_second_row_confirms_it() {
        let mut clock = MarketClock::default();
        clock.saw(Kind::Quotes, [t(93000), t(93001)].into_iter());
        clock.saw(Kind::Quotes, [t(110000)].into_iter());
        assert_eq!(clock.now(), Some(t(93001)));
        clock.saw(Kind::Quotes, [t(110001)].into_iter());
        assert_eq!(clock.now(), Some(t(110001)));
    }

    #[test]
    fn a_kind_that_ended_earlier_and_was_read_last_does_not_hold_the_clock_back() {
        let mut clock = MarketClock::default();
        clock.saw(Kind::Quotes, [t(195959), t(200000)].into_iter());
        clock.saw(Kind::Bursts, [t(155700), t(155755)].into_iter());
        assert_eq!(clock.now(), Some(t(200000)));
        clock.saw(Kind::Quotes, [t(200001)].into_iter());
        assert_eq!(clock.now(), Some(t(200001)));
        clock.saw(Kind::BurstSymbols, [t(235959), t(235959)].into_iter());
        assert_eq!(clock.now(), Some(t(200001)));
    }

    #[test]
    fn the_first_row_of_the_day_sets_it() {
        let mut clock = MarketClock::default();
        assert_eq!(clock.now(), None);
        clock.saw(Kind::Quotes, [t(40000)].into_iter());
        assert_eq!(clock.now(), Some(t(40000)));
    }
}
