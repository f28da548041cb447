//! A chart's y-axis, as the Burst Monitor offers it: SmartScale (fit what is shown) or a hard
//! max the user sets, so that one spike does not flatten the rest of the day.

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scale {
    /// `None`: SmartScale.
    pub hard_max: Option<f64>,
    /// The largest value drawn last time, where a hard max starts from.
    pub data_max: f64,
}

impl Scale {
    /// The top of the axis for data reaching `data_max` (which the update step keeps in
    /// `self.data_max`, for a hard max to start from).
    pub fn top(&self, data_max: f64) -> f64 {
        self.hard_max.unwrap_or(data_max)
    }

    /// SmartScale off (a hard max at the data's rounded max) or back on.
    pub fn toggle(&mut self) {
        self.hard_max = match self.hard_max {
            Some(_) => None,
            None => Some(round_up(self.data_max.max(1.0))),
        };
    }

    /// A tenth of the order of magnitude up or down (SmartScale off).
    pub fn step(&mut self, up: bool) {
        let now = self.hard_max.unwrap_or_else(|| round_up(self.data_max.max(1.0)));
        let step = 10f64.powi(now.log10().floor() as i32 - 1).max(1.0);
        self.hard_max = Some(if up { now + step } else { (now - step).max(1.0) });
    }

    /// For the pane's title: `smart` or `max 125`.
    pub fn label(&self) -> String {
        match self.hard_max {
            Some(m) => format!("max {m:.0}"),
            None => "smart".to_owned(),
        }
    }
}

/// Up to two significant digits: 1,234 → 1,300.
fn round_up(v: f64) -> f64 {
    let unit = 10f64.powi(v.log10().floor() as i32 - 1).max(1.0);
    (v / unit).ceil() * unit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_scale_fits_and_a_hard_max_stays() {
        let mut s = Scale { data_max: 1234.0, ..Scale::default() };
        assert_eq!(s.top(1234.0), 1234.0);
        s.toggle();
        assert_eq!(s.hard_max, Some(1300.0));
        assert_eq!(s.top(5000.0), 1300.0);
        s.step(true);
        assert_eq!(s.hard_max, Some(1400.0));
        s.step(false);
        s.step(false);
        assert_eq!(s.label(), "max 1200");
        s.toggle();
        assert_eq!(s.top(5000.0), 5000.0);
        assert_eq!(s.label(), "smart");
    }
}
