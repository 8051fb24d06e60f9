//! How two kinds of zip reader would see the same file, and every place
//! where they would disagree.
//!
//! `unzip`, desktop archivers and [`ZipArchive`] read the central directory
//! at the end of the file; streaming readers (Java's `ZipInputStream`,
//! many mail and chat scanners) walk the local headers from offset 0. A
//! crafted file can show each a different archive: an entry only one of
//! them sees, a name or size that differs, data hidden between entries or
//! in front of the first. A bundle made by Push Doctor has none of this,
//! so `bundle verify` reports every instance as a problem.

use std::collections::{BTreeMap, BTreeSet};

use super::zip::{
    u16le, u32le, ZipArchive, ZipEntry, ZipError, FLAG_DATA_DESCRIPTOR, LOCAL_HEADER, MAX_ENTRIES,
};
use crate::printable::{is_unprintable, printable};

/// The longest entry name a bundle accepts (no bundle entry comes close).
pub const MAX_NAME_BYTES: usize = 255;

/// One way the file is not the plain archive a bundle is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutProblem {
    /// An entry's name could escape the extraction directory or garble a
    /// terminal (absolute, `..`, control characters, not UTF-8, …).
    #[error("{name}: an entry name {why}")]
    UnsafeName {
        /// The name, escaped for printing.
        name: String,
        /// What makes it unsafe.
        why: &'static str,
    },
    /// One name more than once: which copy a reader extracts is its own
    /// choice, so two readers can extract different files.
    #[error("{name}: {copies} copies in the {place}")]
    Duplicate {
        /// The repeated name.
        name: String,
        /// How many entries carry it.
        copies: usize,
        /// `central directory` or `local headers`.
        place: &'static str,
    },
    /// An entry only a streaming reader sees.
    #[error("{name}: in the local headers (at offset {offset}) but not in the central directory")]
    LocalOnly {
        /// The entry's name.
        name: String,
        /// Where its local header starts.
        offset: u64,
    },
    /// The two descriptions of one entry differ, so the two kinds of
    /// reader extract different things.
    #[error("{name}: the local header (at offset {offset}) says {field} {local}, the central directory {central}")]
    Mismatch {
        /// The entry's name, as the central directory has it.
        name: String,
        /// Where its local header starts.
        offset: u64,
        /// Which field differs (the name, the compression method, the CRC-32, …).
        field: &'static str,
        /// The field's value in the local header.
        local: String,
        /// The field's value in the central directory.
        central: String,
    },
    /// An entry only a central-directory reader sees.
    #[error("{name}: the central directory points at offset {offset}, which no local header walk reaches (inside another entry, or not a local header)")]
    Unreached {
        /// The entry's name.
        name: String,
        /// Where the central directory says its local header is.
        offset: u64,
    },
    /// An entry's data reaches into the next entry or the directory: the
    /// same bytes would be read as two things.
    #[error("{name}: its data (offset {offset}, {bytes} bytes) runs into what follows it")]
    Overlap {
        /// The entry's name.
        name: String,
        /// Where its data starts.
        offset: u64,
        /// How long its data says it is.
        bytes: u64,
    },
    /// Bytes no entry accounts for, where something could hide.
    #[error("{bytes} bytes at offset {offset} belong to no entry ({what})")]
    StrayData {
        /// Where the stray bytes start.
        offset: u64,
        /// How many there are.
        bytes: u64,
        /// Where they sit (before the first entry, between entries, …).
        what: &'static str,
    },
    /// The entry's sizes come after its data, so a streaming reader has
    /// to guess where the data ends.
    #[error("{name}: sizes follow the data (a data descriptor), which bundles never use")]
    DataDescriptor {
        /// The entry's name.
        name: String,
    },
    /// The end record carries a comment: text a bundle never has, and room
    /// to hide a second end record.
    #[error("the end record has a comment of {0} bytes")]
    Comment(u16),
    /// Readers that search for the end record differently find different
    /// archives.
    #[error("{0} more end-of-directory records in the last 64 KiB (a second archive?)")]
    MoreEnds(usize),
    /// The end record contradicts the directory it describes.
    #[error("the end record says {what}")]
    EndRecord {
        /// What it says, against what is there.
        what: String,
    },
    /// The walk stopped at the entry limit, so what lies beyond was not
    /// compared.
    #[error("more than {MAX_ENTRIES} local headers: the rest were not walked")]
    TooManyLocalHeaders,
}

/// What the local-header walk found besides the problems: the entries only
/// a streaming reader would extract, which must be checked like the rest.
#[derive(Debug, Default)]
pub struct Layout {
    /// Every disagreement found, in the order of the file.
    pub problems: Vec<LayoutProblem>,
    /// The entries in the local headers that the central directory lacks.
    pub local_only: Vec<ZipEntry>,
}

/// Why `name` would be unsafe to extract, or to print, if it is.
pub fn unsafe_name(raw: &[u8]) -> Option<&'static str> {
    let Ok(name) = std::str::from_utf8(raw) else {
        return Some("is not UTF-8");
    };
    if name.is_empty() {
        return Some("is empty");
    }
    if raw.len() > MAX_NAME_BYTES {
        return Some("is longer than 255 bytes");
    }
    if name.chars().any(is_unprintable) {
        return Some("holds control characters");
    }
    if name.contains('\\') {
        return Some("holds a backslash");
    }
    if name.starts_with('/') {
        return Some("is an absolute path");
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Some("starts with a drive letter");
    }
    if name.split('/').any(|part| part == "..") {
        return Some("climbs out with `..`");
    }
    None
}

/// A local header as the walk read it.
struct Local {
    entry: ZipEntry,
    header_len: u64,
}

/// Walks the local headers from offset 0 and compares what it finds with
/// the central directory and the end record. Work: one 30-byte header and
/// its name per step, each step moving forward, at most `MAX_ENTRIES` (1024)
/// headers.
pub fn inspect(archive: &ZipArchive) -> Result<Layout, ZipError> {
    let mut layout = Layout::default();
    let problems = &mut layout.problems;
    let end = archive.end_record();
    let directory_start = end.directory_offset;

    let mut by_offset: BTreeMap<u64, Vec<&ZipEntry>> = BTreeMap::new();
    for entry in archive.entries() {
        by_offset.entry(entry.local_offset).or_default().push(entry);
    }
    let mut reached = BTreeSet::new();
    let mut local_names: Vec<Vec<u8>> = Vec::new();
    let mut pos = 0u64;
    while pos < directory_start {
        if local_names.len() >= MAX_ENTRIES {
            problems.push(LayoutProblem::TooManyLocalHeaders);
            break;
        }
        // Where the next entry the directory knows of starts: the walk
        // goes on from there when it cannot go on by itself.
        let next_known = by_offset
            .range(pos + 1..)
            .next()
            .map_or(directory_start, |(&at, _)| at.min(directory_start));
        let Some(local) = read_local(archive, pos, directory_start)? else {
            problems.push(LayoutProblem::StrayData {
                offset: pos,
                bytes: next_known - pos,
                what: if pos == 0 {
                    "in front of the first entry"
                } else {
                    "between entries"
                },
            });
            pos = next_known;
            continue;
        };
        reached.insert(pos);
        local_names.push(local.entry.raw_name.clone());
        let centrals = by_offset.get(&pos).map(Vec::as_slice).unwrap_or_default();
        let descriptor = local.entry.flags & FLAG_DATA_DESCRIPTOR != 0;
        if centrals.is_empty() {
            problems.push(LayoutProblem::LocalOnly {
                name: printable(&local.entry.name).into_owned(),
                offset: pos,
            });
            if !descriptor {
                layout.local_only.push(local.entry.clone());
            }
        }
        let mut compressed = local.entry.compressed;
        if descriptor {
            problems.push(LayoutProblem::DataDescriptor {
                name: printable(&local.entry.name).into_owned(),
            });
            match centrals.first() {
                Some(central) => compressed = central.compressed,
                None => {
                    // Where its data ends is not known without inflating.
                    pos = next_known.max(pos + local.header_len);
                    continue;
                }
            }
        }
        for central in centrals {
            compare(&local.entry, central, problems);
        }
        let data_end = pos + local.header_len + compressed;
        // The data descriptor a local header announces follows its data.
        let next = if descriptor {
            skip_descriptor(archive, data_end)?
        } else {
            data_end
        };
        if next > next_known {
            problems.push(LayoutProblem::Overlap {
                name: printable(&local.entry.name).into_owned(),
                offset: pos,
                bytes: next - pos,
            });
        }
        pos = next;
    }
    for (offset, entries) in &by_offset {
        if !reached.contains(offset) {
            for entry in entries {
                problems.push(LayoutProblem::Unreached {
                    name: printable(&entry.name).into_owned(),
                    offset: *offset,
                });
            }
        }
    }

    let directory_end = directory_start + end.directory_size;
    if end.directory_slack > 0 {
        problems.push(LayoutProblem::StrayData {
            offset: directory_end - end.directory_slack,
            bytes: end.directory_slack,
            what: "inside the central directory, after its records",
        });
    }
    if directory_end < end.offset {
        problems.push(LayoutProblem::StrayData {
            offset: directory_end,
            bytes: end.offset - directory_end,
            what: "between the central directory and its end record",
        });
    }
    let record_end = end.offset + 22 + u64::from(end.comment_len);
    if end.comment_len > 0 {
        problems.push(LayoutProblem::Comment(end.comment_len));
    }
    if record_end < archive.len() {
        problems.push(LayoutProblem::StrayData {
            offset: record_end,
            bytes: archive.len() - record_end,
            what: "after the end record",
        });
    } else if record_end > archive.len() {
        problems.push(LayoutProblem::EndRecord {
            what: format!(
                "a comment of {} bytes, past the end of the file",
                end.comment_len
            ),
        });
    }
    if end.others > 0 {
        problems.push(LayoutProblem::MoreEnds(end.others));
    }
    if end.disk != 0 || end.directory_disk != 0 {
        problems.push(LayoutProblem::EndRecord {
            what: "the archive spans several disks".into(),
        });
    }
    if end.entries_on_disk != end.entries {
        problems.push(LayoutProblem::EndRecord {
            what: format!(
                "{} entries on this disk but {} in all",
                end.entries_on_disk, end.entries
            ),
        });
    }

    duplicates(
        archive.entries().iter().map(|e| e.raw_name.as_slice()),
        "central directory",
        problems,
    );
    duplicates(
        local_names.iter().map(Vec::as_slice),
        "local headers",
        problems,
    );
    let mut names: BTreeSet<&[u8]> = archive
        .entries()
        .iter()
        .map(|e| e.raw_name.as_slice())
        .collect();
    names.extend(local_names.iter().map(Vec::as_slice));
    for raw in names {
        if let Some(why) = unsafe_name(raw) {
            problems.push(LayoutProblem::UnsafeName {
                name: printable(&String::from_utf8_lossy(raw)).into_owned(),
                why,
            });
        }
    }
    Ok(layout)
}

/// The local header at `pos`, if one starts there and fits before `limit`.
fn read_local(archive: &ZipArchive, pos: u64, limit: u64) -> Result<Option<Local>, ZipError> {
    if pos + 30 > limit {
        return Ok(None);
    }
    let header = archive.read_at(pos, 30)?;
    if header.len() < 30 || u32le(&header, 0) != LOCAL_HEADER {
        return Ok(None);
    }
    let name_len = u16le(&header, 26) as usize;
    let extra_len = u64::from(u16le(&header, 28));
    let raw_name = archive.read_at(pos + 30, name_len)?;
    if raw_name.len() < name_len {
        return Ok(None);
    }
    let header_len = 30 + name_len as u64 + extra_len;
    Ok(Some(Local {
        entry: ZipEntry {
            name: String::from_utf8_lossy(&raw_name).into_owned(),
            raw_name,
            flags: u16le(&header, 6),
            method: u16le(&header, 8),
            crc: u32le(&header, 14),
            compressed: u64::from(u32le(&header, 18)),
            uncompressed: u64::from(u32le(&header, 22)),
            local_offset: pos,
            data_offset: pos + header_len,
        },
        header_len,
    }))
}

/// Past a data descriptor at `at`: 12 bytes, or 16 with its optional
/// signature.
fn skip_descriptor(archive: &ZipArchive, at: u64) -> Result<u64, ZipError> {
    let head = archive.read_at(at, 4)?;
    Ok(if head.len() == 4 && u32le(&head, 0) == 0x0807_4b50 {
        at + 16
    } else {
        at + 12
    })
}

/// Every field where the local header and the central record disagree.
fn compare(local: &ZipEntry, central: &ZipEntry, problems: &mut Vec<LayoutProblem>) {
    let name = printable(&central.name).into_owned();
    let offset = central.local_offset;
    let mut differs = |field: &'static str, local_says: String, central_says: String| {
        problems.push(LayoutProblem::Mismatch {
            name: name.clone(),
            offset,
            field,
            local: local_says,
            central: central_says,
        });
    };
    if local.raw_name != central.raw_name {
        differs(
            "the name",
            printable(&local.name).into_owned(),
            printable(&central.name).into_owned(),
        );
    }
    if local.method != central.method {
        differs(
            "compression method",
            local.method.to_string(),
            central.method.to_string(),
        );
    }
    if local.flags & 0x0001 != central.flags & 0x0001 {
        differs(
            "encryption flag",
            (local.flags & 1).to_string(),
            (central.flags & 1).to_string(),
        );
    }
    // With a data descriptor the local header's sizes and CRC are zero;
    // that case is reported on its own.
    if local.flags & FLAG_DATA_DESCRIPTOR == 0 {
        if local.crc != central.crc {
            differs(
                "CRC-32",
                format!("{:08x}", local.crc),
                format!("{:08x}", central.crc),
            );
        }
        if local.compressed != central.compressed {
            differs(
                "compressed size",
                local.compressed.to_string(),
                central.compressed.to_string(),
            );
        }
        if local.uncompressed != central.uncompressed {
            differs(
                "size",
                local.uncompressed.to_string(),
                central.uncompressed.to_string(),
            );
        }
    }
}

fn duplicates<'a>(
    names: impl Iterator<Item = &'a [u8]>,
    place: &'static str,
    problems: &mut Vec<LayoutProblem>,
) {
    let mut counts: BTreeMap<&[u8], usize> = BTreeMap::new();
    for name in names {
        *counts.entry(name).or_default() += 1;
    }
    for (name, copies) in counts {
        if copies > 1 {
            problems.push(LayoutProblem::Duplicate {
                name: printable(&String::from_utf8_lossy(name)).into_owned(),
                copies,
                place,
            });
        }
    }
}
