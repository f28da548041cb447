//! ki2's integration tests, in one binary: each extra test binary links polars again, which
//! costs minutes on a 2-core machine. One module per theme; shared helpers in `support`.

mod alerts;
mod archive;
mod baskets;
mod baskets_after;
mod delivery;
mod follow_support;
mod hostile;
mod lake;
mod lake_writer;
mod local_sinks;
mod mqtt_link;
mod scan_follow;
mod secrets;
mod sim;
mod sinks_support;
mod study;
mod support;
mod tail;
mod truth;
mod tui_tmux;
mod tui_tmux_resize;
mod ui;
mod ui_baskets;
mod ui_columns;
mod ui_edges;
mod ui_frames;
mod ui_prices;
mod ui_words;
