//! A slab with generation-checked keys.
//!
//! Registrations (children of a token, `on_cancel` callbacks) get a [`Key`] that stays
//! valid until removed; a stale key (its entry removed and the slot reused) never
//! matches, because the generation stored in the slot changes on every insert.

/// A key into a [`Slab`]: slot index plus the generation that was written with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    index: u32,
    generation: u32,
}

enum Entry<T> {
    Occupied { generation: u32, value: T },
    Vacant { next_free: u32, generation: u32 },
}

/// Vec-backed storage with O(1) insert and remove and a free list.
pub(crate) struct Slab<T> {
    entries: Vec<Entry<T>>,
    /// Head of the free list (`u32::MAX` = none).
    free: u32,
    len: usize,
    /// Every slot at or above this index is vacant: `pop` scans below it only, so a
    /// run of pops without inserts is linear in total, not quadratic.
    end: usize,
}

const NONE: u32 = u32::MAX;

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab::new()
    }
}

impl<T> Slab<T> {
    pub(crate) const fn new() -> Self {
        Slab {
            entries: Vec::new(),
            free: NONE,
            len: 0,
            end: 0,
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The key the next `insert` will return.
    pub(crate) fn vacant_key(&self) -> Key {
        if self.free != NONE {
            match &self.entries[self.free as usize] {
                Entry::Vacant { generation, .. } => Key {
                    index: self.free,
                    generation: generation.wrapping_add(1),
                },
                Entry::Occupied { .. } => unreachable!("free list points at an occupied slot"),
            }
        } else {
            Key {
                index: self.entries.len() as u32,
                generation: 0,
            }
        }
    }

    pub(crate) fn insert(&mut self, value: T) -> Key {
        let key = self.vacant_key();
        if self.free != NONE {
            let slot = &mut self.entries[key.index as usize];
            if let Entry::Vacant { next_free, .. } = *slot {
                self.free = next_free;
            }
            *slot = Entry::Occupied {
                generation: key.generation,
                value,
            };
        } else {
            assert!(self.entries.len() < NONE as usize, "slab is full");
            self.entries.push(Entry::Occupied {
                generation: 0,
                value,
            });
        }
        self.len += 1;
        self.end = self.end.max(key.index as usize + 1);
        key
    }

    /// True if nothing is registered.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The value under `key`, if that exact registration is present.
    pub(crate) fn get_mut(&mut self, key: Key) -> Option<&mut T> {
        match self.entries.get_mut(key.index as usize) {
            Some(Entry::Occupied { generation, value }) if *generation == key.generation => {
                Some(value)
            }
            _ => None,
        }
    }

    /// True if `key` names a present registration.
    pub(crate) fn contains(&self, key: Key) -> bool {
        matches!(self.entries.get(key.index as usize),
            Some(Entry::Occupied { generation, .. }) if *generation == key.generation)
    }

    /// Removes and returns the value under `key`, if that exact registration is present.
    pub(crate) fn remove(&mut self, key: Key) -> Option<T> {
        let slot = self.entries.get_mut(key.index as usize)?;
        match slot {
            Entry::Occupied { generation, .. } if *generation == key.generation => {
                let old = std::mem::replace(
                    slot,
                    Entry::Vacant {
                        next_free: self.free,
                        generation: key.generation,
                    },
                );
                self.free = key.index;
                self.len -= 1;
                match old {
                    Entry::Occupied { value, .. } => Some(value),
                    Entry::Vacant { .. } => None,
                }
            }
            _ => None,
        }
    }

    /// Removes and returns some value with its key (the last occupied slot).
    pub(crate) fn pop(&mut self) -> Option<(Key, T)> {
        let found = self.entries[..self.end]
            .iter()
            .rposition(|e| matches!(e, Entry::Occupied { .. }));
        self.end = found.unwrap_or(0);
        let index = found?;
        let generation = match &self.entries[index] {
            Entry::Occupied { generation, .. } => *generation,
            Entry::Vacant { .. } => return None,
        };
        let key = Key {
            index: index as u32,
            generation,
        };
        self.remove(key).map(|v| (key, v))
    }

    /// Removes every value, in slot order.
    pub(crate) fn drain(&mut self) -> impl Iterator<Item = T> + use<T> {
        self.free = NONE;
        self.len = 0;
        self.end = 0;
        std::mem::take(&mut self.entries)
            .into_iter()
            .filter_map(|e| match e {
                Entry::Occupied { value, .. } => Some(value),
                Entry::Vacant { .. } => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_key_does_not_remove_a_reused_slot() {
        let mut slab = Slab::new();
        let a = slab.insert("a");
        assert_eq!(slab.remove(a), Some("a"));
        let b = slab.insert("b");
        assert_eq!(slab.remove(a), None, "stale key must not match");
        assert_eq!(slab.len(), 1);
        assert_eq!(slab.remove(b), Some("b"));
        assert_eq!(slab.len(), 0);
    }

    #[test]
    fn vacant_key_predicts_insert_and_drain_empties() {
        let mut slab = Slab::new();
        for i in 0..5 {
            let k = slab.vacant_key();
            assert_eq!(slab.insert(i), k);
        }
        let k2 = Key {
            index: 2,
            generation: 0,
        };
        assert_eq!(slab.remove(k2), Some(2));
        let next = slab.vacant_key();
        assert_eq!(slab.insert(7), next);
        assert_eq!(next.index, 2);
        let mut all: Vec<_> = slab.drain().collect();
        all.sort();
        assert_eq!(all, vec![0, 1, 3, 4, 7]);
        assert_eq!(slab.len(), 0);
        assert!(slab.pop().is_none());
    }

    #[test]
    fn pop_sees_slots_filled_after_earlier_pops() {
        let mut slab = Slab::new();
        let keys: Vec<Key> = (0..4).map(|i| slab.insert(i)).collect();
        assert_eq!(slab.pop(), Some((keys[3], 3)));
        assert_eq!(slab.remove(keys[1]), Some(1));
        // Reuses slot 3 or 1 (free list) after `pop` lowered its scan bound.
        let a = slab.insert(10);
        let b = slab.insert(11);
        let mut popped: Vec<i32> = std::iter::from_fn(|| slab.pop().map(|(_, v)| v)).collect();
        popped.sort();
        assert_eq!(popped, vec![0, 2, 10, 11]);
        assert!(!slab.contains(a) && !slab.contains(b));
        assert_eq!(slab.len(), 0);
        let c = slab.insert(12);
        assert_eq!(slab.pop(), Some((c, 12)));
    }
}
