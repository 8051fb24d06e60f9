//! Just enough of the zip format for bundles: writing entries whose
//! deflate data is already made (so a large entry is assembled from
//! separately compressed pieces, never held whole), and reading entries
//! back with every offset and size checked against the file.
//!
//! No zip64: a bundle is capped far below 4 GiB, and the reader refuses
//! what it does not support with an error rather than guessing.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};

use crate::printable::printable;

pub(crate) const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL: u32 = 0x0605_4b50;
const FLAG_UTF8: u16 = 0x0800;
const FLAG_ENCRYPTED: u16 = 0x0001;
/// Sizes and CRC follow the data instead of being in the local header.
pub(crate) const FLAG_DATA_DESCRIPTOR: u16 = 0x0008;
pub(crate) const METHOD_DEFLATE: u16 = 8;
pub(crate) const METHOD_STORE: u16 = 0;
/// More entries than any bundle has; a directory listing more is refused.
pub(crate) const MAX_ENTRIES: usize = 1024;

/// The bytes an archive of these entries takes, as [`ZipWriter`] writes
/// it: each entry's local header, name and data, its central directory
/// record, and the end record. Lets a writer hold a size cap exactly.
pub(crate) fn archive_len<'a>(entries: impl IntoIterator<Item = (&'a str, u64)>) -> u64 {
    const LOCAL_HEADER_LEN: u64 = 30;
    const CENTRAL_HEADER_LEN: u64 = 46;
    const END_OF_CENTRAL_LEN: u64 = 22;
    END_OF_CENTRAL_LEN
        + entries
            .into_iter()
            .map(|(name, compressed)| {
                LOCAL_HEADER_LEN + CENTRAL_HEADER_LEN + 2 * name.len() as u64 + compressed
            })
            .sum::<u64>()
}

/// A finished entry, for the central directory.
struct Written {
    name: String,
    crc: u32,
    compressed: u32,
    uncompressed: u32,
    offset: u32,
}

/// Writes a zip archive entry by entry.
pub(crate) struct ZipWriter<W: Write> {
    out: W,
    position: u64,
    entries: Vec<Written>,
    dos_time: u16,
    dos_date: u16,
}

impl<W: Write> ZipWriter<W> {
    pub(crate) fn new(out: W, created_ms: i64) -> Self {
        let (dos_date, dos_time) = dos_datetime(created_ms);
        ZipWriter {
            out,
            position: 0,
            entries: Vec::new(),
            dos_time,
            dos_date,
        }
    }

    /// Writes one deflated entry whose compressed bytes come from `data`.
    pub(crate) fn entry(
        &mut self,
        name: &str,
        crc: u32,
        uncompressed: u64,
        compressed: u64,
        data: &mut dyn Read,
    ) -> io::Result<()> {
        let too_big = |what| {
            io::Error::other(format!(
                "{name}: {what} is over 4 GiB, which bundles do not support"
            ))
        };
        let uncompressed = u32::try_from(uncompressed).map_err(|_| too_big("the entry"))?;
        let compressed = u32::try_from(compressed).map_err(|_| too_big("the compressed entry"))?;
        let offset = u32::try_from(self.position).map_err(|_| too_big("the archive"))?;
        let mut header = Vec::with_capacity(30 + name.len());
        put32(&mut header, LOCAL_HEADER);
        put16(&mut header, 20);
        put16(&mut header, FLAG_UTF8);
        put16(&mut header, METHOD_DEFLATE);
        put16(&mut header, self.dos_time);
        put16(&mut header, self.dos_date);
        put32(&mut header, crc);
        put32(&mut header, compressed);
        put32(&mut header, uncompressed);
        put16(&mut header, name.len() as u16);
        put16(&mut header, 0);
        header.extend_from_slice(name.as_bytes());
        self.write(&header)?;
        let copied = io::copy(&mut data.take(u64::from(compressed)), &mut self.out)?;
        if copied != u64::from(compressed) {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("{name}: compressed data ended early"),
            ));
        }
        self.position += copied;
        self.entries.push(Written {
            name: name.to_string(),
            crc,
            compressed,
            uncompressed,
            offset,
        });
        Ok(())
    }

    /// Writes the central directory; returns the inner writer.
    pub(crate) fn finish(mut self) -> io::Result<W> {
        let start = self.position;
        let mut directory = Vec::new();
        for e in &self.entries {
            put32(&mut directory, CENTRAL_HEADER);
            put16(&mut directory, 0x031E); // made by: Unix, zip 3.0
            put16(&mut directory, 20);
            put16(&mut directory, FLAG_UTF8);
            put16(&mut directory, METHOD_DEFLATE);
            put16(&mut directory, self.dos_time);
            put16(&mut directory, self.dos_date);
            put32(&mut directory, e.crc);
            put32(&mut directory, e.compressed);
            put32(&mut directory, e.uncompressed);
            put16(&mut directory, e.name.len() as u16);
            put16(&mut directory, 0);
            put16(&mut directory, 0);
            put16(&mut directory, 0);
            put16(&mut directory, 0);
            put32(&mut directory, 0o100644 << 16); // a regular file, rw-r--r--
            put32(&mut directory, e.offset);
            directory.extend_from_slice(e.name.as_bytes());
        }
        let size = directory.len() as u32;
        put32(&mut directory, END_OF_CENTRAL);
        put16(&mut directory, 0);
        put16(&mut directory, 0);
        put16(&mut directory, self.entries.len() as u16);
        put16(&mut directory, self.entries.len() as u16);
        put32(&mut directory, size);
        put32(
            &mut directory,
            u32::try_from(start).map_err(|_| io::Error::other("archive over 4 GiB"))?,
        );
        put16(&mut directory, 0);
        self.write(&directory)?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.position += bytes.len() as u64;
        Ok(())
    }
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// MS-DOS date and time fields (local time is not known here: UTC).
fn dos_datetime(ms: i64) -> (u16, u16) {
    let text = crate::model::time::rfc3339(ms);
    let n = |range: std::ops::Range<usize>| text[range].parse::<u16>().unwrap_or(0);
    let year = n(0..4).clamp(1980, 2107);
    let date = ((year - 1980) << 9) | (n(5..7) << 5) | n(8..10);
    let time = (n(11..13) << 11) | (n(14..16) << 5) | (n(17..19) / 2);
    (date, time)
}

/// Why a file could not be read as a zip archive.
#[derive(Debug, thiserror::Error)]
pub enum ZipError {
    /// The file could not be read.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// No end-of-directory record: not a zip archive; the text says what is missing.
    #[error("not a zip archive: {0}")]
    NotZip(&'static str),
    /// A zip archive whose records contradict each other or the file's size.
    #[error("damaged zip archive: {0}")]
    Damaged(String),
    /// A zip archive using what bundles never use (encryption, several disks, another compression method, …).
    #[error("unsupported zip feature: {0}")]
    Unsupported(String),
}

/// One entry of an archive being read: as its central directory record
/// says, or, for an entry only the local headers hold, as its local header
/// says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipEntry {
    /// The name as text (bytes that are not UTF-8 are replaced).
    pub name: String,
    /// The name exactly as stored.
    pub raw_name: Vec<u8>,
    /// The general-purpose flags (encryption, data descriptor, UTF-8 name).
    pub flags: u16,
    /// The compression method: 0 stored, 8 deflated.
    pub method: u16,
    /// The CRC-32 of the uncompressed data.
    pub crc: u32,
    /// Bytes stored in the archive.
    pub compressed: u64,
    /// Bytes after inflating.
    pub uncompressed: u64,
    /// Where its local header starts.
    pub local_offset: u64,
    pub(crate) data_offset: u64,
}

impl ZipEntry {
    /// The file range its compressed data takes.
    pub fn data_range(&self) -> std::ops::Range<u64> {
        self.data_offset..self.data_offset + self.compressed
    }
}

/// Where the end of central directory record is, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EndRecord {
    pub offset: u64,
    pub disk: u16,
    pub directory_disk: u16,
    pub entries_on_disk: u16,
    pub entries: u16,
    pub directory_offset: u64,
    pub directory_size: u64,
    pub comment_len: u16,
    /// Other end-record signatures found in the last 64 KiB.
    pub others: usize,
    /// Bytes of the directory left over after its `entries` records.
    pub directory_slack: u64,
}

/// A zip archive opened for reading.
pub struct ZipArchive {
    file: File,
    len: u64,
    entries: Vec<ZipEntry>,
    end: EndRecord,
}

impl ZipArchive {
    /// Opens an archive by reading its end record and central directory; entries are read only when asked for.
    pub fn open(mut file: File) -> Result<Self, ZipError> {
        let len = file.seek(SeekFrom::End(0))?;
        if len < 22 {
            return Err(ZipError::NotZip("too short"));
        }
        // The end record is in the last 64 KiB + 22 bytes (its comment is at most 64 KiB).
        let tail_len = len.min(65_557);
        let tail_start = len - tail_len;
        file.seek(SeekFrom::Start(tail_start))?;
        let mut tail = vec![0; tail_len as usize];
        file.read_exact(&mut tail)?;
        let mut found = (0..=tail.len() - 22)
            .rev()
            .filter(|&i| u32le(&tail, i) == END_OF_CENTRAL);
        let eocd = found
            .next()
            .ok_or(ZipError::NotZip("no end of central directory"))?;
        let others = found.count();
        let count = u16le(&tail, eocd + 10) as usize;
        let cd_size = u64::from(u32le(&tail, eocd + 12));
        let cd_offset = u64::from(u32le(&tail, eocd + 16));
        if cd_offset == 0xFFFF_FFFF || count == 0xFFFF {
            return Err(ZipError::Unsupported("zip64".into()));
        }
        if count > MAX_ENTRIES {
            return Err(ZipError::Damaged(format!("{count} entries")));
        }
        if cd_offset.checked_add(cd_size).is_none_or(|end| end > len) {
            return Err(ZipError::Damaged(
                "central directory outside the file".into(),
            ));
        }
        file.seek(SeekFrom::Start(cd_offset))?;
        let mut cd = vec![0; cd_size as usize];
        file.read_exact(&mut cd)?;
        let mut entries = Vec::with_capacity(count);
        let mut pos = 0;
        for _ in 0..count {
            if pos + 46 > cd.len() || u32le(&cd, pos) != CENTRAL_HEADER {
                return Err(ZipError::Damaged("bad central directory entry".into()));
            }
            let flags = u16le(&cd, pos + 8);
            let method = u16le(&cd, pos + 10);
            let crc = u32le(&cd, pos + 16);
            let compressed = u64::from(u32le(&cd, pos + 20));
            let uncompressed = u64::from(u32le(&cd, pos + 24));
            let name_len = u16le(&cd, pos + 28) as usize;
            let extra_len = u16le(&cd, pos + 30) as usize;
            let comment_len = u16le(&cd, pos + 32) as usize;
            let local = u64::from(u32le(&cd, pos + 42));
            let raw_name = cd
                .get(pos + 46..pos + 46 + name_len)
                .ok_or_else(|| ZipError::Damaged("entry name outside the directory".into()))?
                .to_vec();
            let name = String::from_utf8_lossy(&raw_name).into_owned();
            check_supported(&name, flags, method)?;
            let data_offset = local_data_offset(&mut file, local, len, &name)?;
            if data_offset
                .checked_add(compressed)
                .is_none_or(|end| end > len)
            {
                return Err(ZipError::Damaged(format!(
                    "{}: data runs past the end of the file",
                    printable(&name)
                )));
            }
            entries.push(ZipEntry {
                name,
                raw_name,
                flags,
                method,
                crc,
                compressed,
                uncompressed,
                local_offset: local,
                data_offset,
            });
            pos += 46 + name_len + extra_len + comment_len;
        }
        let end = EndRecord {
            offset: tail_start + eocd as u64,
            disk: u16le(&tail, eocd + 4),
            directory_disk: u16le(&tail, eocd + 6),
            entries_on_disk: u16le(&tail, eocd + 8),
            entries: count as u16,
            directory_offset: cd_offset,
            directory_size: cd_size,
            comment_len: u16le(&tail, eocd + 20),
            others,
            directory_slack: (cd.len() as u64).saturating_sub(pos as u64),
        };
        Ok(ZipArchive {
            file,
            len,
            entries,
            end,
        })
    }

    /// The entries the central directory lists, in its order (duplicates
    /// included).
    pub fn entries(&self) -> &[ZipEntry] {
        &self.entries
    }

    /// The first entry of that name in the central directory.
    pub fn entry(&self, name: &str) -> Option<&ZipEntry> {
        self.entries.iter().find(|e| e.name == name)
    }

    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    pub(crate) fn end_record(&self) -> &EndRecord {
        &self.end
    }

    /// `len` bytes of the file at `offset` (fewer at its end). The entry
    /// streams share the file's position: not for use while one is open.
    pub(crate) fn read_at(&self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let mut file = &self.file;
        file.seek(SeekFrom::Start(offset))?;
        let mut out = Vec::with_capacity(len);
        file.take(len as u64).read_to_end(&mut out)?;
        Ok(out)
    }

    /// The entry's uncompressed bytes as a stream. The stream checks the
    /// CRC-32 and the size when it reaches the end, and fails if they are
    /// wrong, so damage is never read as data; it never yields more than
    /// the size the entry declares.
    pub fn open_entry(&self, entry: &ZipEntry) -> Result<Box<dyn Read + '_>, ZipError> {
        check_supported(&entry.name, entry.flags, entry.method)?;
        let mut file = self.file.try_clone()?;
        file.seek(SeekFrom::Start(entry.data_offset))?;
        let raw = BufReader::with_capacity(64 * 1024, file).take(entry.compressed);
        let inner: Box<dyn Read> = match entry.method {
            METHOD_STORE => Box::new(raw),
            _ => Box::new(flate2::read::DeflateDecoder::new(raw)),
        };
        Ok(Box::new(Checked {
            inner,
            hasher: crc32fast::Hasher::new(),
            read: 0,
            expected_crc: entry.crc,
            expected_len: entry.uncompressed,
            name: printable(&entry.name).into_owned(),
            verified: false,
        }))
    }
}

/// Refuses what the reader cannot read, naming the entry.
pub(crate) fn check_supported(name: &str, flags: u16, method: u16) -> Result<(), ZipError> {
    if flags & FLAG_ENCRYPTED != 0 {
        return Err(ZipError::Unsupported(format!(
            "{} is encrypted",
            printable(name)
        )));
    }
    if method != METHOD_DEFLATE && method != METHOD_STORE {
        return Err(ZipError::Unsupported(format!(
            "{}: compression method {method}",
            printable(name)
        )));
    }
    Ok(())
}

fn local_data_offset(file: &mut File, local: u64, len: u64, name: &str) -> Result<u64, ZipError> {
    if local.checked_add(30).is_none_or(|end| end > len) {
        return Err(ZipError::Damaged(format!(
            "{}: local header outside the file",
            printable(name)
        )));
    }
    file.seek(SeekFrom::Start(local))?;
    let mut header = [0u8; 30];
    file.read_exact(&mut header)?;
    if u32le(&header, 0) != LOCAL_HEADER {
        return Err(ZipError::Damaged(format!(
            "{}: bad local header",
            printable(name)
        )));
    }
    Ok(local + 30 + u64::from(u16le(&header, 26)) + u64::from(u16le(&header, 28)))
}

struct Checked<'a> {
    inner: Box<dyn Read + 'a>,
    hasher: crc32fast::Hasher,
    read: u64,
    expected_crc: u32,
    expected_len: u64,
    name: String,
    verified: bool,
}

impl Read for Checked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.verified {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            let crc = std::mem::take(&mut self.hasher).finalize();
            if crc != self.expected_crc || self.read != self.expected_len {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{}: CRC-32 or size mismatch: the entry is damaged",
                        self.name
                    ),
                ));
            }
            self.verified = true;
            return Ok(0);
        }
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        if self.read > self.expected_len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: more data than the archive says", self.name),
            ));
        }
        Ok(n)
    }
}

pub(crate) fn u16le(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

pub(crate) fn u32le(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
