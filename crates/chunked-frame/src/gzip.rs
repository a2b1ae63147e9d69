//! gzip decoding split in two, so that the one thread that inflates a file
//! does nothing else: [`Members`] reads gzip members (RFC 1952), inflates
//! their deflate data and notes where each member's data ends with the CRC
//! and size its trailer gives; a [`Check`], fed the decoded bytes wherever
//! they end up (the thread that parses them), computes the CRC-32 and
//! compares it at each member's end. Together they accept and refuse what
//! flate2's `MultiGzDecoder` does: one or more members back to back,
//! nothing after the last.

use std::io::{self, BufRead, Read};

use flate2::{Crc, Decompress, FlushDecompress, Status};

/// Where a member's data ends in the decoded stream, and what its trailer
/// says of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MemberEnd {
    /// The offset in the whole decoded stream after the member's last byte.
    pub(crate) at: u64,
    /// The CRC-32 of the member's data.
    pub(crate) crc: u32,
    /// The member's data length modulo 2^32.
    pub(crate) size: u32,
}

/// A reader of the decoded data of a gzip stream that leaves the CRC
/// check to a [`Check`]: take the member ends with [`Members::take_ends`].
pub(crate) struct Members<R> {
    inner: R,
    inflate: Decompress,
    /// Whether a member's deflate data is being read (else a header is
    /// next, or the end).
    in_member: bool,
    /// Whether the stream ended after a trailer.
    done: bool,
    /// Decoded bytes so far, and the members' ends not yet taken.
    out: u64,
    ends: Vec<MemberEnd>,
}

const RESERVED: u8 = 0b1110_0000;
const FHCRC: u8 = 1 << 1;
const FEXTRA: u8 = 1 << 2;
const FNAME: u8 = 1 << 3;
const FCOMMENT: u8 = 1 << 4;

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

impl<R: BufRead> Members<R> {
    /// A reader of the gzip stream `inner`.
    pub(crate) fn new(inner: R) -> Self {
        Members {
            inner,
            inflate: Decompress::new(false),
            in_member: false,
            done: false,
            out: 0,
            ends: Vec::new(),
        }
    }

    /// The ends of the members finished since the last call, in order.
    pub(crate) fn take_ends(&mut self) -> Vec<MemberEnd> {
        std::mem::take(&mut self.ends)
    }

    /// Reads exactly `buf.len()` bytes of the compressed stream, feeding
    /// them to `crc` (the header's own check).
    fn exact(&mut self, buf: &mut [u8], crc: &mut Crc) -> io::Result<()> {
        self.inner.read_exact(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                invalid(format!(
                    "gzip stream cut short in the header of the member ending at byte {}",
                    self.out
                ))
            } else {
                e
            }
        })?;
        crc.update(buf);
        Ok(())
    }

    /// Reads a member's header; `false` at the end of the stream.
    fn header(&mut self) -> io::Result<bool> {
        if self.inner.fill_buf()?.is_empty() {
            return Ok(false);
        }
        let mut crc = Crc::new();
        let mut fixed = [0u8; 10];
        self.exact(&mut fixed, &mut crc)?;
        if fixed[..3] != [0x1f, 0x8b, 8] {
            return Err(invalid(format!(
                "not a gzip member (bytes {:02x} {:02x} {:02x}) after {} decoded bytes",
                fixed[0], fixed[1], fixed[2], self.out
            )));
        }
        let flags = fixed[3];
        if flags & RESERVED != 0 {
            return Err(invalid(format!("gzip header with reserved flags {flags:#04x}")));
        }
        if flags & FEXTRA != 0 {
            let mut len = [0u8; 2];
            self.exact(&mut len, &mut crc)?;
            let mut skip = vec![0u8; usize::from(u16::from_le_bytes(len))];
            self.exact(&mut skip, &mut crc)?;
        }
        for flag in [FNAME, FCOMMENT] {
            if flags & flag != 0 {
                // A zero-terminated text.
                let mut byte = [1u8];
                while byte[0] != 0 {
                    self.exact(&mut byte, &mut crc)?;
                }
            }
        }
        if flags & FHCRC != 0 {
            let mut check = [0u8; 2];
            let mut ignored = Crc::new();
            self.exact(&mut check, &mut ignored)?;
            // The low 16 bits of the CRC-32 of the header before it.
            if u32::from(u16::from_le_bytes(check)) != crc.sum() & 0xffff {
                return Err(invalid(format!(
                    "gzip header checksum mismatch after {} decoded bytes",
                    self.out
                )));
            }
        }
        self.inflate.reset(false);
        Ok(true)
    }

    /// Reads the trailer of the member whose data just ended.
    fn trailer(&mut self) -> io::Result<()> {
        let mut t = [0u8; 8];
        let mut ignored = Crc::new();
        self.exact(&mut t, &mut ignored)?;
        let crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
        let size = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
        self.ends.push(MemberEnd { at: self.out, crc, size });
        Ok(())
    }
}

impl<R: BufRead> Read for Members<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.done {
                return Ok(0);
            }
            if !self.in_member {
                if !self.header()? {
                    if self.out == 0 && self.ends.is_empty() {
                        return Err(invalid("empty gzip stream: no member".into()));
                    }
                    self.done = true;
                    return Ok(0);
                }
                self.in_member = true;
            }
            let input = self.inner.fill_buf()?;
            let eof = input.is_empty();
            let (before_in, before_out) = (self.inflate.total_in(), self.inflate.total_out());
            let status = self.inflate.decompress(input, buf, FlushDecompress::None).map_err(|e| {
                invalid(format!("corrupt deflate data after {} decoded bytes: {e}", self.out))
            })?;
            // Both deltas are at most the buffers' lengths: they fit.
            let used = usize::try_from(self.inflate.total_in() - before_in).unwrap_or(0);
            let made = usize::try_from(self.inflate.total_out() - before_out).unwrap_or(0);
            self.inner.consume(used);
            self.out += made as u64; // `as`: a usize fits a u64
            if status == Status::StreamEnd {
                self.in_member = false;
                self.trailer()?;
            } else if made == 0 && (eof || used == 0) {
                // Input left and room to write, yet nothing done: the data
                // cannot go on (zlib's buffer error); none left: cut short.
                let why = if eof { "cut short" } else { "stuck" };
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("gzip stream {why} after {} decoded bytes", self.out),
                ));
            }
            if made > 0 {
                return Ok(made);
            }
        }
    }
}

/// The CRC-32 check of a gzip stream's decoded bytes, fed in order with
/// the member ends that [`Members`] found.
#[derive(Debug, Default)]
pub(crate) struct Check {
    crc: Crc,
    /// Bytes fed so far, the current member's, and members checked.
    at: u64,
    member_len: u64,
    members: u64,
}

impl Check {
    /// Feeds the next decoded `bytes`, checking each member that `ends`
    /// (all the ends up to the end of `bytes` not fed before, in order)
    /// closes.
    pub(crate) fn feed(&mut self, mut bytes: &[u8], ends: &[MemberEnd]) -> io::Result<()> {
        for end in ends {
            let k = end
                .at
                .checked_sub(self.at)
                .and_then(|k| usize::try_from(k).ok())
                .filter(|&k| k <= bytes.len());
            let Some(k) = k else {
                return Err(invalid(format!("gzip member end at {} out of order (at {})", end.at, self.at)));
            };
            let (head, rest) = bytes.split_at(k);
            self.take(head);
            bytes = rest;
            // The size modulo 2^32, as the trailer holds it.
            let size = u32::try_from(self.member_len & u64::from(u32::MAX)).unwrap_or(u32::MAX);
            if self.crc.sum() != end.crc || size != end.size {
                return Err(invalid(format!(
                    "gzip member {} (decoded bytes {}..{}) fails its check: CRC {:08x} and size {} computed, {:08x} and {} in its trailer",
                    self.members + 1,
                    self.at - self.member_len,
                    self.at,
                    self.crc.sum(),
                    size,
                    end.crc,
                    end.size
                )));
            }
            self.crc.reset();
            self.member_len = 0;
            self.members += 1;
        }
        self.take(bytes);
        Ok(())
    }

    fn take(&mut self, bytes: &[u8]) {
        self.crc.update(bytes);
        let n = bytes.len() as u64; // `as`: a usize fits a u64
        self.at += n;
        self.member_len += n;
    }
}

#[cfg(test)]
mod tests;
