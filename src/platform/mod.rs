//! What differs between Unix and Windows, behind one interface each (so that the rest of ki2
//! compiles and behaves the same on both).

pub mod allocator;
pub mod signals;

pub use signals::{Shutdown, ShutdownSignals};
