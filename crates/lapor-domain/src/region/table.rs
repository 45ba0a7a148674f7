//! [`RegionTable`]: the decoded region list with hierarchy lookups.

use super::codec::{self, RegionDataError};
use super::search::SearchIndex;
use super::{Region, RegionCode, RegionLevel};

/// Marks "no parent" in [`RegionTable::parent_idx`].
pub(super) const NO_PARENT: u32 = u32::MAX;

/// All regions, sorted by code, with a parent/children index and a precomputed search index.
///
/// Get the shared embedded instance with [`regions()`](super::regions).
pub struct RegionTable {
    /// Sorted by code, which is also pre-order (every region directly before its descendants).
    pub(super) regions: Vec<Region>,
    /// Index of each region's parent in `regions`, or [`NO_PARENT`].
    pub(super) parent_idx: Vec<u32>,
    /// Children of each region, sorted by name.
    children: Vec<Box<[u32]>>,
    /// Provinces, sorted by name.
    roots: Box<[u32]>,
    counts: [usize; 4],
    pub(super) index: SearchIndex,
}

impl std::fmt::Debug for RegionTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegionTable")
            .field("counts", &self.counts)
            .finish_non_exhaustive()
    }
}

impl RegionTable {
    /// Decodes a table from the bytes of a `regions.bin` file (see [`codec`](super::codec)).
    /// The product uses the embedded copy via [`regions()`](super::regions).
    pub fn decode(bytes: &[u8]) -> Result<RegionTable, RegionDataError> {
        let codec::Decoded { regions, counts } = codec::decode(bytes)?;
        Ok(RegionTable::from_sorted(regions, counts))
    }

    /// Builds the indexes. `regions` must be sorted by code with every parent present before its
    /// children (the decoder guarantees both).
    fn from_sorted(regions: Vec<Region>, counts: [usize; 4]) -> RegionTable {
        let n = regions.len();
        let mut parent_idx = vec![NO_PARENT; n];
        let mut kids: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut roots = Vec::new();
        // Pre-order walk with a stack of open ancestors (at most 4 deep).
        let mut stack: Vec<usize> = Vec::with_capacity(4);
        for (i, r) in regions.iter().enumerate() {
            let depth = usize::from(r.level().depth());
            stack.truncate(depth - 1);
            match stack.last() {
                Some(&p) => {
                    debug_assert_eq!(r.parent.as_ref(), Some(&regions[p].code));
                    parent_idx[i] = p as u32;
                    kids[p].push(i as u32);
                }
                None => roots.push(i as u32),
            }
            stack.push(i);
        }
        let by_name = |a: &u32, b: &u32| {
            let (ra, rb) = (&regions[*a as usize], &regions[*b as usize]);
            let la = ra.name.bytes().map(|c| c.to_ascii_lowercase());
            let lb = rb.name.bytes().map(|c| c.to_ascii_lowercase());
            la.cmp(lb).then_with(|| ra.code.cmp(&rb.code))
        };
        roots.sort_by(by_name);
        let children = kids
            .into_iter()
            .map(|mut v| {
                v.sort_by(by_name);
                v.into_boxed_slice()
            })
            .collect();
        let index = SearchIndex::build(&regions);
        RegionTable {
            regions,
            parent_idx,
            children,
            roots: roots.into_boxed_slice(),
            counts,
            index,
        }
    }

    pub(super) fn position(&self, code: &RegionCode) -> Option<usize> {
        self.regions.binary_search_by(|r| r.code.cmp(code)).ok()
    }

    /// Index range of the strict descendants of the region at `i`.
    pub(super) fn descendant_range(&self, i: usize) -> std::ops::Range<usize> {
        let code = &self.regions[i].code;
        let end = i + 1 + self.regions[i + 1..].partition_point(|r| r.code.is_descendant_of(code));
        i + 1..end
    }

    /// The region with this code, if it exists.
    pub fn get(&self, code: &RegionCode) -> Option<&Region> {
        self.position(code).map(|i| &self.regions[i])
    }

    /// True if a region with this code exists.
    pub fn contains(&self, code: &RegionCode) -> bool {
        self.position(code).is_some()
    }

    /// Direct children sorted by name (case-insensitive); `None` gives the 38 provinces.
    /// Empty for villages and unknown codes.
    pub fn children(&self, parent: Option<&RegionCode>) -> Vec<&Region> {
        let idx: &[u32] = match parent {
            None => &self.roots,
            Some(code) => match self.position(code) {
                Some(i) => &self.children[i],
                None => &[],
            },
        };
        idx.iter().map(|&i| &self.regions[i as usize]).collect()
    }

    /// The chain from the province down to the region itself (empty if the code is unknown).
    pub fn ancestors(&self, code: &RegionCode) -> Vec<&Region> {
        let mut out = Vec::with_capacity(4);
        let mut next = self.position(code).map_or(NO_PARENT, |i| i as u32);
        while next != NO_PARENT {
            out.push(&self.regions[next as usize]);
            next = self.parent_idx[next as usize];
        }
        out.reverse();
        out
    }

    /// All strict descendants, in code order (e.g. every kecamatan and kelurahan of a kota).
    pub fn descendants(&self, code: &RegionCode) -> &[Region] {
        match self.position(code) {
            Some(i) => &self.regions[self.descendant_range(i)],
            None => &[],
        }
    }

    /// Number of regions per level: `[provinsi, kabupaten/kota, kecamatan, desa/kelurahan]`.
    pub fn counts(&self) -> [usize; 4] {
        self.counts
    }

    /// Number of regions at one level.
    pub fn count(&self, level: RegionLevel) -> usize {
        self.counts[level.index()]
    }

    /// Total number of regions.
    pub fn len(&self) -> usize {
        self.regions.len()
    }

    /// True if the table holds no regions (never for the embedded table).
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }

    /// Every region in code order.
    pub fn iter(&self) -> std::slice::Iter<'_, Region> {
        self.regions.iter()
    }

    /// Labels from the region up to its province, comma-separated:
    /// `"Kel. Pahandut, Kec. Pahandut, Kota Palangkaraya, Kalimantan Tengah"`.
    /// `None` if the code is unknown. Feeding the result back into [`search`](Self::search)
    /// finds the region first.
    pub fn full_name(&self, code: &RegionCode) -> Option<String> {
        let chain = self.ancestors(code);
        if chain.is_empty() {
            return None;
        }
        let parts: Vec<_> = chain.iter().rev().map(|r| r.label()).collect();
        Some(parts.join(", "))
    }
}

impl<'a> IntoIterator for &'a RegionTable {
    type Item = &'a Region;
    type IntoIter = std::slice::Iter<'a, Region>;

    fn into_iter(self) -> Self::IntoIter {
        self.regions.iter()
    }
}
