//! Zip bombs shaped like an xlsx: a few MB of zip that unpack to gigabytes of
//! zeros, built without ever holding the unpacked bytes.

#![allow(dead_code)]

use flate2::{Compress, Compression, FlushCompress};

const MIB: u64 = 1 << 20;

/// One entry of a hand-made zip: name, compressed bytes, CRC-32 and the
/// unpacked size written into the headers.
struct Entry {
    name: String,
    data: Vec<u8>,
    crc: u32,
    size: u64,
}

/// `mib` MiB of zeros as a raw deflate stream: one sync-flushed block for the
/// first MiB (a literal zero, then back-references), repeated; every copy
/// refers only to zeros already written, so the stream stays valid.
fn zeros(mib: u64) -> (Vec<u8>, u32) {
    let chunk = vec![0u8; MIB as usize];
    let mut c = Compress::new(Compression::best(), false);
    let mut block = Vec::with_capacity(MIB as usize);
    c.compress_vec(&chunk, &mut block, FlushCompress::Sync)
        .unwrap();
    assert_eq!(c.total_in(), MIB);
    let mut data = Vec::with_capacity(block.len() * mib as usize + 8);
    for _ in 0..mib {
        data.extend_from_slice(&block);
    }
    // CRC-32 of `mib` MiB of zeros, by combining powers of two.
    let mut crc = crc32fast::Hasher::new();
    let mut power = crc32fast::Hasher::new();
    power.update(&chunk);
    let mut n = mib;
    while n > 0 {
        if n & 1 == 1 {
            crc.combine(&power);
        }
        let twice = power.clone();
        power.combine(&twice);
        n >>= 1;
    }
    let mut last = Vec::with_capacity(64);
    Compress::new(Compression::best(), false)
        .compress_vec(&[], &mut last, FlushCompress::Finish)
        .unwrap();
    data.extend_from_slice(&last);
    (data, crc.finalize())
}

fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let size = u32::try_from(e.size).expect("under 4 GiB");
        let local = |v: &mut Vec<u8>, central: bool| {
            v.extend_from_slice(if central {
                &[0x50, 0x4b, 1, 2]
            } else {
                &[0x50, 0x4b, 3, 4]
            });
            if central {
                v.extend_from_slice(&20u16.to_le_bytes());
            }
            for x in [20u16, 0, 8, 0, 0x21] {
                v.extend_from_slice(&x.to_le_bytes());
            }
            v.extend_from_slice(&e.crc.to_le_bytes());
            v.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes());
            if central {
                for x in [0u16, 0, 0] {
                    v.extend_from_slice(&x.to_le_bytes());
                }
                v.extend_from_slice(&0u32.to_le_bytes());
                v.extend_from_slice(&offset.to_le_bytes());
            }
            v.extend_from_slice(e.name.as_bytes());
        };
        local(&mut out, false);
        out.extend_from_slice(&e.data);
        local(&mut central, true);
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&[0x50, 0x4b, 5, 6, 0, 0, 0, 0]);
    let n = entries.len() as u16;
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// An "xlsx" whose worksheet unpacks to `gib` GiB of zeros, with honest headers.
pub fn honest_bomb(gib: u64) -> Vec<u8> {
    let (data, crc) = zeros(gib * 1024);
    zip(&[Entry {
        name: "xl/worksheets/sheet1.xml".into(),
        data,
        crc,
        size: gib << 30,
    }])
}

/// The same zeros behind headers that claim the worksheet unpacks to 1 KiB.
pub fn lying_bomb(gib: u64) -> Vec<u8> {
    let (data, crc) = zeros(gib * 1024);
    zip(&[Entry {
        name: "xl/worksheets/sheet1.xml".into(),
        data,
        crc,
        size: 1024,
    }])
}

/// An "xlsx" of `n` empty entries.
pub fn many_entries(n: usize) -> Vec<u8> {
    let (data, crc) = {
        let mut last = Vec::with_capacity(64);
        Compress::new(Compression::best(), false)
            .compress_vec(&[], &mut last, FlushCompress::Finish)
            .unwrap();
        (last, 0)
    };
    let entries: Vec<Entry> = (0..n)
        .map(|i| Entry {
            name: format!("xl/media/image{i}.png"),
            data: data.clone(),
            crc,
            size: 0,
        })
        .collect();
    zip(&entries)
}
