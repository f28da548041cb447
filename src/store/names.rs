//! The day's hft1 symbols, each held once. A row keeps the symbol's number (packed in 1–2 B,
//! see `packed`) where a string column would keep a 16-byte view.

/// Symbol numbers in the order first seen; a day has a few thousand.
#[derive(Debug, Default, Clone)]
pub struct SymbolNames {
    names: Vec<Box<str>>,
    ids: foldhash::HashMap<Box<str>, u32>,
}

impl SymbolNames {
    /// The symbol's number, given one if it is new.
    pub fn id(&mut self, symbol: &str) -> u32 {
        if let Some(&id) = self.ids.get(symbol) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(symbol.into());
        self.ids.insert(symbol.into(), id);
        id
    }

    pub fn name(&self, id: u32) -> Option<&str> {
        self.names.get(id as usize).map(|s| &**s)
    }

    /// What `f` says of each symbol, by number: a per-row question asked once per symbol.
    pub fn table<T>(&self, f: impl Fn(&str) -> T) -> Vec<T> {
        self.names.iter().map(|s| f(s)).collect()
    }

    /// Heap bytes (names are held twice: by number and in the lookup).
    pub fn heap_bytes(&self) -> usize {
        let text: usize = self.names.iter().map(|s| s.len()).sum();
        2 * text
            + self.names.capacity() * std::mem::size_of::<Box<str>>()
            + self.ids.capacity() * (std::mem::size_of::<Box<str>>() + 4 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symbol_keeps_its_number() {
        let mut n = SymbolNames::default();
        let ids: Vec<u32> = ["SPY", "QQQ", "SPY", "BRK.B", "QQQ"].iter().map(|s| n.id(s)).collect();
        assert_eq!(ids, [0, 1, 0, 2, 1]);
        assert_eq!((n.name(2), n.name(3)), (Some("BRK.B"), None));
        assert_eq!(n.table(str::len), [3, 3, 5]);
    }
}
