//! A zip builder for tests where every field is the test's to choose: the
//! local header and the central record of an entry can disagree, an entry
//! can be left out of either, bytes can go before, between and after, the
//! end record can carry a comment. One builder for all of the bundle
//! reader's disagreement tests and its property tests' generators.

use std::io::{Read, Write};
use std::path::Path;

use pushdoctor_core::bundle::zip::ZipArchive;
use sha2::{Digest, Sha256};

/// The header fields that may differ between an entry's local header and
/// its central record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    /// The entry's name, as raw bytes (a test may make it invalid UTF-8).
    pub name: Vec<u8>,
    /// The general-purpose flags (0x0800: the name is UTF-8).
    pub flags: u16,
    /// The compression method: 0 stored, 8 deflated.
    pub method: u16,
    /// The CRC-32 the header claims for the uncompressed data.
    pub crc: u32,
    /// The stored size the header claims.
    pub compressed: u32,
    /// The uncompressed size the header claims.
    pub uncompressed: u32,
}

/// One entry: its bytes as stored, and what each header says of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Craft {
    /// Written before the local header (bytes between entries).
    pub gap_before: Vec<u8>,
    /// `None`: no local header (and no data) at all.
    pub local: Option<Fields>,
    /// `None`: not in the central directory.
    pub central: Option<Fields>,
    /// The stored (compressed) bytes.
    pub data: Vec<u8>,
    /// Added to the local-header offset the central record gives.
    pub offset_shift: i64,
}

impl Craft {
    /// A well-formed deflated entry holding `content`.
    pub fn deflated(name: &str, content: &[u8]) -> Craft {
        let mut encoder =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(content).unwrap();
        let data = encoder.finish().unwrap();
        let fields = Fields {
            name: name.as_bytes().to_vec(),
            flags: 0x0800,
            method: 8,
            crc: crc32fast::hash(content),
            compressed: data.len() as u32,
            uncompressed: content.len() as u32,
        };
        Craft {
            gap_before: Vec::new(),
            local: Some(fields.clone()),
            central: Some(fields),
            data,
            offset_shift: 0,
        }
    }

    /// The entry's name as text, from its central record or, failing that, its local header.
    pub fn name(&self) -> String {
        let fields = self.central.as_ref().or(self.local.as_ref()).unwrap();
        String::from_utf8_lossy(&fields.name).into_owned()
    }

    /// Sets a field in both headers.
    pub fn both(&mut self, set: impl Fn(&mut Fields)) {
        self.local.iter_mut().for_each(&set);
        self.central.iter_mut().for_each(&set);
    }
}

/// A whole archive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZipCraft {
    /// Bytes before the first local header.
    pub prefix: Vec<u8>,
    /// The entries, in the order their local headers are written.
    pub entries: Vec<Craft>,
    /// Extra central records pointing at the local header of entry `.0`.
    pub central_copies: Vec<(usize, Fields)>,
    /// Between the central directory and the end record.
    pub after_directory: Vec<u8>,
    /// The end record's comment.
    pub comment: Vec<u8>,
    /// After the end record.
    pub suffix: Vec<u8>,
    /// What the end record says is on this disk, when not the truth.
    pub entries_on_disk: Option<u16>,
}

impl ZipCraft {
    /// Every entry of a zip as the project's reader sees it, the stored
    /// bytes copied as they are.
    pub fn from_zip(path: &Path) -> ZipCraft {
        let bytes = std::fs::read(path).unwrap();
        let archive = ZipArchive::open(std::fs::File::open(path).unwrap()).unwrap();
        let entries = archive
            .entries()
            .iter()
            .map(|e| {
                let range = e.data_range();
                let fields = Fields {
                    name: e.raw_name.clone(),
                    flags: e.flags,
                    method: e.method,
                    crc: e.crc,
                    compressed: e.compressed as u32,
                    uncompressed: e.uncompressed as u32,
                };
                Craft {
                    gap_before: Vec::new(),
                    local: Some(fields.clone()),
                    central: Some(fields),
                    data: bytes[range.start as usize..range.end as usize].to_vec(),
                    offset_shift: 0,
                }
            })
            .collect();
        ZipCraft {
            entries,
            ..ZipCraft::default()
        }
    }

    /// The position of entry `name` in [`ZipCraft::entries`]; panics when there is none, since a test asking for one expects it.
    pub fn index(&self, name: &str) -> usize {
        self.entries
            .iter()
            .position(|e| e.name() == name)
            .unwrap_or_else(|| panic!("no {name}"))
    }

    /// What entry `name` inflates to.
    pub fn content(&self, name: &str) -> Vec<u8> {
        let entry = &self.entries[self.index(name)];
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(&entry.data[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    /// Replaces what entry `name` holds, headers and the manifest's
    /// SHA-256 and size following, so the archive stays sound.
    pub fn set_content(&mut self, name: &str, content: &[u8]) {
        let i = self.index(name);
        let fresh = Craft::deflated(name, content);
        self.entries[i].data = fresh.data;
        self.entries[i].local = fresh.local;
        self.entries[i].central = fresh.central;
        self.edit_manifest(|m| {
            for listed in m["entries"].as_array_mut().unwrap() {
                if listed["name"] == name {
                    listed["sha256"] = hex(&Sha256::digest(content)).into();
                    listed["bytes"] = content.len().into();
                }
            }
        });
    }

    /// Rewrites `manifest.json` (its headers following).
    pub fn edit_manifest(&mut self, edit: impl FnOnce(&mut serde_json::Value)) {
        let mut manifest: serde_json::Value =
            serde_json::from_slice(&self.content("manifest.json")).unwrap();
        edit(&mut manifest);
        let text = serde_json::to_vec_pretty(&manifest).unwrap();
        let i = self.index("manifest.json");
        let fresh = Craft::deflated("manifest.json", &text);
        self.entries[i].data = fresh.data;
        self.entries[i].local = fresh.local;
        self.entries[i].central = fresh.central;
    }

    /// The archive's bytes, exactly as the fields say, however inconsistent.
    pub fn build(&self) -> Vec<u8> {
        let mut out = self.prefix.clone();
        let mut offsets = Vec::new();
        for entry in &self.entries {
            out.extend_from_slice(&entry.gap_before);
            offsets.push(out.len() as u64);
            if let Some(f) = &entry.local {
                put32(&mut out, 0x0403_4b50);
                put16(&mut out, 20);
                put16(&mut out, f.flags);
                put16(&mut out, f.method);
                put16(&mut out, 0);
                put16(&mut out, 0x21);
                put32(&mut out, f.crc);
                put32(&mut out, f.compressed);
                put32(&mut out, f.uncompressed);
                put16(&mut out, f.name.len() as u16);
                put16(&mut out, 0);
                out.extend_from_slice(&f.name);
                out.extend_from_slice(&entry.data);
            }
        }
        let directory = out.len();
        let mut records = 0u16;
        let central = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.central.as_ref().map(|f| (i, e.offset_shift, f)))
            .chain(self.central_copies.iter().map(|(i, f)| (*i, 0, f)));
        for (i, shift, f) in central {
            records += 1;
            put32(&mut out, 0x0201_4b50);
            put16(&mut out, 0x031E);
            put16(&mut out, 20);
            put16(&mut out, f.flags);
            put16(&mut out, f.method);
            put16(&mut out, 0);
            put16(&mut out, 0x21);
            put32(&mut out, f.crc);
            put32(&mut out, f.compressed);
            put32(&mut out, f.uncompressed);
            put16(&mut out, f.name.len() as u16);
            put16(&mut out, 0);
            put16(&mut out, 0);
            put16(&mut out, 0);
            put16(&mut out, 0);
            put32(&mut out, 0o100644 << 16);
            put32(&mut out, (offsets[i] as i64 + shift) as u32);
            out.extend_from_slice(&f.name);
        }
        let directory_size = out.len() - directory;
        out.extend_from_slice(&self.after_directory);
        put32(&mut out, 0x0605_4b50);
        put16(&mut out, 0);
        put16(&mut out, 0);
        put16(&mut out, self.entries_on_disk.unwrap_or(records));
        put16(&mut out, records);
        put32(&mut out, directory_size as u32);
        put32(&mut out, directory as u32);
        put16(&mut out, self.comment.len() as u16);
        out.extend_from_slice(&self.comment);
        out.extend_from_slice(&self.suffix);
        out
    }

    /// Builds into `path`.
    pub fn write(&self, path: &Path) {
        std::fs::write(path, self.build()).unwrap();
    }
}

/// A deflate stream that inflates to `pieces` MiB of `byte`, made in a few
/// milliseconds: one MiB compressed once (ending on a byte boundary) and
/// repeated, then the final block. 1 GiB of zeros takes about 1 MiB.
pub fn deflate_bomb(byte: u8, pieces: usize) -> Vec<u8> {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![byte; 1024 * 1024]).unwrap();
    encoder.flush().unwrap();
    let piece = std::mem::take(encoder.get_mut());
    let mut out = Vec::with_capacity(piece.len() * pieces + 2);
    for _ in 0..pieces {
        out.extend_from_slice(&piece);
    }
    out.extend_from_slice(&[0x03, 0x00]);
    out
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
