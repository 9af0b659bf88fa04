//! Import files for the crash rounds: households of the demo county copied
//! under new 户编号 and new ID numbers, so that each round's file adds
//! households that no other round and no demo household has.
//!
//! Round `r`'s households are numbered `<village><5><r:02><k:02>` (a serial
//! of 5xxxx, far above any demo village's serial), so the households of one
//! round are found again by `substr(household_no, 13, 3) = '5' || r`.
//! Their members' ID numbers use the birthplace code `5003<r:02>`, which the
//! demo (born in 500230) never gives, with sequence numbers counted within
//! the round.

use anyhow::{Context, Result, bail};
use fangpin_demo::{DemoConfig, DemoLayout};
use fangpin_domain::{IdNumber, Sex};
use fangpin_exchange::{CsvExporter, ExportOptions, ExportRow};

/// The most rounds the numbering allows (two digits).
pub const MAX_ROUNDS: u32 = 100;
/// The most households of one round's file (two digits).
pub const MAX_HOUSEHOLDS: u32 = 99;

/// One round's file and what it holds.
pub struct RoundFile {
    pub name: String,
    pub csv: Vec<u8>,
    pub households: u64,
    pub persons: u64,
}

/// The 3-character tag that the households of round `round` carry at
/// positions 13–15 of their 户编号.
pub fn round_tag(round: u32) -> String {
    format!("5{round:02}")
}

/// Builds round `round`'s CSV from `count` households of the demo county
/// (`cfg`, `lay`: the configuration the database was generated with).
pub fn round_file(cfg: &DemoConfig, lay: &DemoLayout, round: u32, count: u32) -> Result<RoundFile> {
    if round >= MAX_ROUNDS || count == 0 || count > MAX_HOUSEHOLDS {
        bail!("轮次应小于 {MAX_ROUNDS}，每轮户数应在 1 到 {MAX_HOUSEHOLDS} 之间");
    }
    let birthplace = format!("5003{round:02}");
    let mut out = CsvExporter::new(
        Vec::new(),
        ExportOptions {
            mask_ids: false,
            ..Default::default()
        },
    )
    .context("无法生成导入文件")?;
    let (mut households, mut persons, mut next_seq) = (0u64, 0u64, 0u16);
    for k in 0..count {
        let index = (round * count + k) % cfg.households;
        let mut g = fangpin_demo::household(cfg, lay, index);
        // Sequence numbers 0..=999 per birthplace and day; one per member,
        // odd for men as the standard wants.
        if usize::from(next_seq) + g.members.len() > 500 {
            break;
        }
        let no = format!("{}{}{k:02}", g.household.area.as_string(), round_tag(round));
        for (i, p) in g.members.iter_mut().enumerate() {
            let seq = next_seq * 2 + u16::from(p.sex == Sex::Male);
            next_seq += 1;
            let id =
                IdNumber::from_parts(&birthplace, p.birth_date, seq).context("无法生成证件号码")?;
            p.person_no = format!("{no}{:02}", i + 1);
            p.id_number = id;
        }
        g.household.household_no = no;
        g.household.head_id = g.members[0].id_number.clone();
        out.write_household(ExportRow::new(&g.household, &g.members, Some(&g.income)))
            .context("无法生成导入文件")?;
        households += 1;
        persons += g.members.len() as u64;
    }
    Ok(RoundFile {
        name: format!("崩溃测试第{round}轮.csv"),
        csv: out.finish().context("无法生成导入文件")?,
        households,
        persons,
    })
}
