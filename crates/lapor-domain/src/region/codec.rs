//! The embedded region-table format (`data/regions.bin`), written by `examples/gen_regions.rs`.
//!
//! The file is a zlib stream (RFC 1950, so it carries an Adler-32 checksum) whose payload is a
//! header, a *structure* section and a *names* section. Keeping the names apart from the binary
//! fields lets deflate model each well (417 KB instead of 521 KB interleaved).
//!
//! ```text
//! payload   := MAGIC count[4] tree_len structure names
//! MAGIC     := "LAPORRG1"                   -- 8 bytes; bump the digit on any layout change
//! count     := varint                       -- provinces, regencies, districts, villages
//! tree_len  := varint                       -- byte length of `structure`
//! structure := node * count[0]              -- the provinces, each followed by its subtree
//! node      := gap flags coords? postal? children?
//! gap       := varint   -- first sibling: its own code segment value (71 for 62.71);
//!                       -- later siblings: segment - previous sibling's segment - 1
//!                       -- (consecutive codes cost one 0 byte)
//! flags     := u8       -- bits 0-2: kind (0 provinsi, 1 kabupaten, 2 kota, 3 kecamatan,
//!                       --                 4 kelurahan, 5 desa, 6 desa adat)
//!                       -- bit 3:    coords follow
//!                       -- bits 4-5: postal code (0 none; 1 same as the last village that had
//!                       --           one; 2 a delta follows); bits 6-7 must be 0
//! coords    := f32le latitude, f32le longitude
//! postal    := varint   -- zigzag(postal - last postal code, or - 0 if none yet);
//!                       -- the result must be 10000..=99999 (printed as 5 digits)
//! children  := varint n, node * n           -- provinces, regencies, districts only
//! names     := (UTF-8 name "\n") per node, in the same pre-order
//! varint    := LEB128 (7 bits per byte, least significant group first, high bit = more)
//! ```
//!
//! Code segments are 2/2/2/4 digits wide. Nodes are written in pre-order with siblings in
//! ascending code order, so the decoded list is sorted by [`RegionCode`] (a region directly
//! before its descendants). A segment that does not fit, a kind that does not belong to its
//! level, unknown flag bits, leftover bytes in either section, or per-level counts that differ
//! from the header are all rejected.

use miniz_oxide::inflate::decompress_to_vec_zlib_with_limit;

use super::{Region, RegionCode, RegionKind};

/// First 8 bytes of the decompressed payload.
pub const MAGIC: &[u8; 8] = b"LAPORRG1";

/// Refuse to inflate beyond this (the real payload is about 1.2 MB).
const MAX_PAYLOAD: usize = 64 << 20;

const FLAG_KIND: u8 = 0b0111;
const FLAG_COORDS: u8 = 0b1000;
const POSTAL_SHIFT: u8 = 4;
const POSTAL_NONE: u8 = 0;
const POSTAL_SAME: u8 = 1;
const POSTAL_DELTA: u8 = 2;

/// Why bytes are not a valid region table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionDataError {
    #[error("region data is not a valid zlib stream")]
    Compression,
    #[error(
        "region data has the wrong magic (expected {:?})",
        String::from_utf8_lossy(MAGIC)
    )]
    Magic,
    #[error("region data is truncated")]
    Truncated,
    #[error("region data is malformed at payload byte {offset}: {reason}")]
    Malformed { offset: usize, reason: &'static str },
}

impl RegionKind {
    fn from_index(i: u8) -> Option<RegionKind> {
        Some(match i {
            0 => RegionKind::Provinsi,
            1 => RegionKind::Kabupaten,
            2 => RegionKind::Kota,
            3 => RegionKind::Kecamatan,
            4 => RegionKind::Kelurahan,
            5 => RegionKind::Desa,
            6 => RegionKind::DesaAdat,
            _ => return None,
        })
    }
}

/// Decoded table in code order, plus the header counts (already checked against the list).
pub(crate) struct Decoded {
    pub(crate) regions: Vec<Region>,
    pub(crate) counts: [usize; 4],
}

/// Inflates and parses `bytes` (the contents of `regions.bin`).
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded, RegionDataError> {
    let payload = decompress_to_vec_zlib_with_limit(bytes, MAX_PAYLOAD)
        .map_err(|_| RegionDataError::Compression)?;
    let rest = payload
        .strip_prefix(MAGIC.as_slice())
        .ok_or(RegionDataError::Magic)?;
    let mut reader = Reader {
        buf: rest,
        pos: 0,
        base: MAGIC.len(),
        names: &[],
        names_pos: 0,
        last_postal: None,
    };
    let mut counts = [0usize; 4];
    for c in &mut counts {
        *c = reader.count()?;
    }
    let tree_len = reader.count()?;
    let tree_end = reader
        .pos
        .checked_add(tree_len)
        .filter(|end| *end <= rest.len())
        .ok_or(RegionDataError::Truncated)?;
    reader.names = &rest[tree_end..];
    reader.buf = &rest[..tree_end];

    let total: usize = counts.iter().sum();
    let mut regions = Vec::with_capacity(total);
    reader.siblings(None, counts[0], &mut regions)?;
    if reader.pos != reader.buf.len() {
        return Err(reader.malformed("trailing bytes after the last region"));
    }
    if reader.names_pos != reader.names.len() {
        return Err(reader.malformed("more names than regions"));
    }
    let mut seen = [0usize; 4];
    for r in &regions {
        seen[r.level().index()] += 1;
    }
    if seen != counts {
        return Err(reader.malformed("region counts disagree with the header"));
    }
    Ok(Decoded { regions, counts })
}

struct Reader<'a> {
    /// Header and structure section (the header is consumed before nodes are read).
    buf: &'a [u8],
    pos: usize,
    /// Offset of `buf` in the payload, for error messages.
    base: usize,
    /// The names section and a cursor into it.
    names: &'a [u8],
    names_pos: usize,
    last_postal: Option<u32>,
}

impl Reader<'_> {
    fn malformed(&self, reason: &'static str) -> RegionDataError {
        RegionDataError::Malformed {
            offset: self.base + self.pos,
            reason,
        }
    }

    fn byte(&mut self) -> Result<u8, RegionDataError> {
        let b = *self.buf.get(self.pos).ok_or(RegionDataError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }

    fn bytes(&mut self, n: usize) -> Result<&[u8], RegionDataError> {
        let end = self.pos.checked_add(n).ok_or(RegionDataError::Truncated)?;
        let s = self
            .buf
            .get(self.pos..end)
            .ok_or(RegionDataError::Truncated)?;
        self.pos = end;
        Ok(s)
    }

    fn varint(&mut self) -> Result<u64, RegionDataError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.malformed("varint too long"))
    }

    /// A varint used as a count or length; bounded by the data size so hostile input cannot
    /// trigger huge allocations or loops.
    fn count(&mut self) -> Result<usize, RegionDataError> {
        let v = self.varint()?;
        usize::try_from(v)
            .ok()
            .filter(|n| *n <= self.buf.len())
            .ok_or_else(|| self.malformed("count larger than the data"))
    }

    fn f32(&mut self) -> Result<f32, RegionDataError> {
        let b = self.bytes(4)?;
        Ok(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// The next entry of the names section.
    fn name(&mut self) -> Result<Box<str>, RegionDataError> {
        let rest = self.names.get(self.names_pos..).unwrap_or_default();
        let len = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or(RegionDataError::Truncated)?;
        let name =
            std::str::from_utf8(&rest[..len]).map_err(|_| self.malformed("name is not UTF-8"))?;
        if name.is_empty() {
            return Err(self.malformed("empty name"));
        }
        self.names_pos += len + 1;
        Ok(name.into())
    }

    fn postal(&mut self, mode: u8, level: u8) -> Result<Option<[u8; 5]>, RegionDataError> {
        let value = match mode {
            POSTAL_NONE => return Ok(None),
            _ if level != 4 => return Err(self.malformed("postal code on a non-village")),
            POSTAL_SAME => self
                .last_postal
                .ok_or_else(|| self.malformed("no previous postal code"))?,
            POSTAL_DELTA => {
                let z = self.varint()?;
                let delta = (z >> 1) as i64 ^ -((z & 1) as i64);
                let base = i64::from(self.last_postal.unwrap_or(0));
                let v = base
                    .checked_add(delta)
                    .filter(|v| (10_000..=99_999).contains(v))
                    .ok_or_else(|| self.malformed("postal code is not 5 digits"))?;
                v as u32
            }
            _ => return Err(self.malformed("unknown postal mode")),
        };
        self.last_postal = Some(value);
        let mut digits = [b'0'; 5];
        let mut v = value;
        for d in digits.iter_mut().rev() {
            *d = b'0' + (v % 10) as u8;
            v /= 10;
        }
        Ok(Some(digits))
    }

    /// Reads `n` sibling nodes under `parent` (and, recursively, their subtrees) into `out`.
    fn siblings(
        &mut self,
        parent: Option<&RegionCode>,
        n: usize,
        out: &mut Vec<Region>,
    ) -> Result<(), RegionDataError> {
        let level = parent.map_or(1, |p| p.level().depth() + 1);
        let mut prev: Option<u64> = None;
        for _ in 0..n {
            let gap = self.varint()?;
            let value = match prev {
                None => Some(gap),
                Some(p) => p.checked_add(gap).and_then(|v| v.checked_add(1)),
            }
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| self.malformed("code segment overflow"))?;
            prev = Some(u64::from(value));
            let code = match parent {
                None => RegionCode::province(value),
                Some(p) => p.child(value),
            }
            .ok_or_else(|| self.malformed("code segment too wide"))?;

            let flags = self.byte()?;
            if flags & 0b1100_0000 != 0 {
                return Err(self.malformed("unknown flag bits"));
            }
            let kind = RegionKind::from_index(flags & FLAG_KIND)
                .filter(|k| k.level().depth() == level)
                .ok_or_else(|| self.malformed("kind does not match the level"))?;
            let coordinates = if flags & FLAG_COORDS != 0 {
                let lat = self.f32()?;
                let lon = self.f32()?;
                if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                    return Err(self.malformed("coordinates out of range"));
                }
                Some((lat, lon))
            } else {
                None
            };
            let postal_code = self.postal(flags >> POSTAL_SHIFT, level)?;
            let name = self.name()?;

            out.push(Region {
                parent: code.parent(),
                code: code.clone(),
                name,
                kind,
                coordinates,
                postal_code,
            });
            if level < 4 {
                let children = self.count()?;
                self.siblings(Some(&code), children, out)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zlib(payload: &[u8]) -> Vec<u8> {
        miniz_oxide::deflate::compress_to_vec_zlib(payload, 6)
    }

    /// Assembles a payload from its sections.
    fn payload(counts: [u8; 4], tree: &[u8], names: &[&str]) -> Vec<u8> {
        let mut p = MAGIC.to_vec();
        p.extend(counts);
        assert!(tree.len() < 128);
        p.push(tree.len() as u8);
        p.extend(tree);
        for n in names {
            p.extend(n.as_bytes());
            p.push(b'\n');
        }
        p
    }

    const TINY_NAMES: [&str; 5] = [
        "Kalimantan Tengah",
        "Kota Palangkaraya",
        "Pahandut",
        "Pahandut",
        "Pahandut Seberang",
    ];

    /// Structure of a one-province table: 62 > 62.71 > 62.71.01 > .1001 (73111) and .1002
    /// (same postal code).
    fn tiny_tree() -> Vec<u8> {
        let mut t = vec![62, 0, 1]; // province 62, kind provinsi, 1 child
        t.extend([71, 2 | FLAG_COORDS]);
        t.extend((-2.17f32).to_le_bytes());
        t.extend(113.88f32.to_le_bytes());
        t.push(1);
        t.extend([1, 3, 2]); // kecamatan 01, 2 children
        // 1001 = LEB128 E9 07; postal zigzag(73111 - 0) = 146222 = LEB128 AE F6 08
        t.extend([
            0xE9,
            0x07,
            4 | (POSTAL_DELTA << POSTAL_SHIFT),
            0xAE,
            0xF6,
            0x08,
        ]);
        t.extend([0, 4 | (POSTAL_SAME << POSTAL_SHIFT)]);
        t
    }

    fn tiny() -> Vec<u8> {
        payload([1, 1, 1, 2], &tiny_tree(), &TINY_NAMES)
    }

    #[test]
    fn decodes_a_hand_built_payload() {
        let d = decode(&zlib(&tiny())).expect("valid");
        let codes: Vec<&str> = d.regions.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(
            codes,
            ["62", "62.71", "62.71.01", "62.71.01.1001", "62.71.01.1002"]
        );
        assert_eq!(d.counts, [1, 1, 1, 2]);
        assert_eq!(d.regions[1].kind, RegionKind::Kota);
        assert_eq!(d.regions[1].coordinates, Some((-2.17, 113.88)));
        assert_eq!(d.regions[3].postal_code(), Some("73111"));
        assert_eq!(d.regions[4].name(), "Pahandut Seberang");
        assert_eq!(d.regions[4].postal_code(), Some("73111"));
        assert_eq!(
            d.regions[3].parent.as_ref().map(RegionCode::as_str),
            Some("62.71.01")
        );
    }

    #[test]
    fn rejects_corrupt_payloads() {
        assert_eq!(
            decode(b"not zlib").err(),
            Some(RegionDataError::Compression)
        );
        assert_eq!(
            decode(&zlib(b"LAPORRG0")).err(),
            Some(RegionDataError::Magic)
        );
        let good = tiny();
        // Every truncation fails cleanly (no panic).
        for cut in MAGIC.len()..good.len() {
            assert!(decode(&zlib(&good[..cut])).is_err(), "cut at {cut}");
        }
        let mut trailing = good;
        trailing.push(b'x');
        assert!(decode(&zlib(&trailing)).is_err());

        let mut wrong_kind = tiny_tree();
        wrong_kind[1] = 5; // province flagged as desa
        assert!(matches!(
            decode(&zlib(&payload([1, 1, 1, 2], &wrong_kind, &TINY_NAMES))),
            Err(RegionDataError::Malformed { .. })
        ));
        // Header claims 3 villages.
        assert!(decode(&zlib(&payload([1, 1, 1, 3], &tiny_tree(), &TINY_NAMES))).is_err());
        // One name missing, one name too many.
        assert!(
            decode(&zlib(&payload(
                [1, 1, 1, 2],
                &tiny_tree(),
                &TINY_NAMES[..4]
            )))
            .is_err()
        );
        let mut six = TINY_NAMES.to_vec();
        six.push("Extra");
        assert!(decode(&zlib(&payload([1, 1, 1, 2], &tiny_tree(), &six))).is_err());
    }
}
