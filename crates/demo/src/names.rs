//! Name material: surnames (weighted), given-name characters by era and sex, place-name syllables.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Common surnames with rough relative frequencies (per mille), a rural-Chongqing flavour
/// (谭, 向, 秦, 冉 … are more frequent there than nationally).
pub(crate) const SURNAMES: &[(&str, u16)] = &[
    ("王", 72),
    ("李", 72),
    ("张", 64),
    ("刘", 55),
    ("陈", 52),
    ("杨", 34),
    ("黄", 24),
    ("赵", 22),
    ("吴", 20),
    ("周", 20),
    ("徐", 15),
    ("孙", 13),
    ("马", 12),
    ("朱", 12),
    ("胡", 13),
    ("郭", 11),
    ("何", 14),
    ("高", 10),
    ("林", 9),
    ("罗", 15),
    ("郑", 8),
    ("梁", 8),
    ("谢", 9),
    ("宋", 7),
    ("唐", 12),
    ("许", 6),
    ("韩", 6),
    ("冯", 6),
    ("邓", 10),
    ("曹", 6),
    ("彭", 9),
    ("曾", 8),
    ("肖", 7),
    ("田", 9),
    ("董", 5),
    ("袁", 7),
    ("潘", 4),
    ("蒋", 7),
    ("蔡", 4),
    ("余", 7),
    ("杜", 5),
    ("叶", 4),
    ("程", 4),
    ("苏", 4),
    ("魏", 4),
    ("吕", 3),
    ("丁", 3),
    ("任", 5),
    ("沈", 3),
    ("姚", 3),
    ("卢", 3),
    ("姜", 3),
    ("崔", 2),
    ("钟", 4),
    ("谭", 10),
    ("陆", 2),
    ("汪", 3),
    ("范", 3),
    ("石", 5),
    ("廖", 5),
    ("贾", 2),
    ("夏", 4),
    ("付", 4),
    ("方", 3),
    ("白", 2),
    ("邹", 4),
    ("熊", 5),
    ("秦", 6),
    ("江", 3),
    ("雷", 4),
    ("龙", 3),
    ("陶", 3),
    ("黎", 3),
    ("贺", 3),
    ("向", 8),
    ("冉", 6),
    ("牟", 4),
    ("文", 3),
    ("万", 3),
];

/// Cumulative surname weights for sampling.
#[derive(Debug, Clone)]
pub(crate) struct SurnameTable {
    cumulative: Vec<u32>,
}

impl SurnameTable {
    pub(crate) fn new() -> Self {
        let mut acc = 0u32;
        let cumulative = SURNAMES
            .iter()
            .map(|&(_, w)| {
                acc += u32::from(w);
                acc
            })
            .collect();
        SurnameTable { cumulative }
    }

    pub(crate) fn total(&self) -> u32 {
        *self.cumulative.last().expect("surname table is not empty")
    }

    /// Index of a surname drawn by weight.
    pub(crate) fn sample(&self, rng: &mut ChaCha8Rng) -> u16 {
        let x = rng.random_range(0..self.total());
        self.cumulative.partition_point(|&c| c <= x) as u16
    }
}

pub(crate) fn surname(idx: u16) -> &'static str {
    SURNAMES[usize::from(idx)].0
}

/// A full name: surname + one or two given-name characters chosen by era and sex.
pub(crate) fn full_name(
    rng: &mut ChaCha8Rng,
    surname_idx: u16,
    birth_year: i32,
    male: bool,
) -> String {
    let (first, second) = given_chars(birth_year, male);
    let mut s = String::with_capacity(9);
    s.push_str(surname(surname_idx));
    if rng.random_range(0..100) >= 12 {
        s.push_str(pick_char(rng, first));
    }
    s.push_str(pick_char(rng, second));
    s
}

/// Given-name characters by era of birth and sex: (first characters, second characters),
/// each string a list of single characters.
fn given_chars(birth_year: i32, male: bool) -> (&'static str, &'static str) {
    match (birth_year, male) {
        (..1970, true) => (
            "德永国建明文光志学成华开福世天大家正玉连绍宗远树",
            "明华国平林富贵全清才荣生山发权云海军友安成忠和章",
        ),
        (..1970, false) => (
            "秀桂玉淑素翠凤春兰金美德长菊群明光会",
            "英兰珍芳华梅琼莲凤菊花香蓉秀云群娥霞碧素",
        ),
        (1970..1995, true) => (
            "小志俊海红伟勇建晓永文明军春云冬宏林代祥",
            "伟强军勇平涛波斌杰鹏刚明峰龙东辉飞江兵川",
        ),
        (1970..1995, false) => (
            "小丽晓红春艳雪美燕海静玲秋敏慧婷会利",
            "丽燕红梅霞琴娟敏玲艳萍芳静莉慧英琳露容蓉",
        ),
        (_, true) => (
            "子浩宇俊梓家思博嘉睿雨一文明天晨鑫志锦皓",
            "轩然宇涵杰豪博辰阳睿航泽鹏凯洋浩文林铭川",
        ),
        (_, false) => (
            "欣雨梓思佳紫诗梦语可子若雅静雪一嘉晓芷沐",
            "涵怡萱琪彤雨妍悦瑶琳婷欣然蕾颖璐璇菲汐玥",
        ),
    }
}

/// One character of `chars`, drawn like [`pick`] draws from a list of them.
fn pick_char(rng: &mut ChaCha8Rng, chars: &'static str) -> &'static str {
    let i = rng.random_range(0..chars.chars().count());
    let (at, c) = chars.char_indices().nth(i).expect("index within the count");
    &chars[at..at + c.len_utf8()]
}

pub(crate) fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// Syllables for township names (two characters + 镇/乡).
pub(crate) const TOWN_FIRST: &[&str] = &[
    "三", "高", "龙", "双", "兴", "仁", "青", "太", "江", "武", "南", "树", "十", "董", "包", "湛",
    "保", "暨", "仙", "都", "栗", "许", "虎", "社", "名", "新", "石", "白", "金", "马", "柏", "桃",
    "长", "清", "永", "安", "凤", "大", "黄", "沙",
];
pub(crate) const TOWN_SECOND: &[&str] = &[
    "河", "家", "水", "坝", "溪", "山", "平", "坪", "湾", "桥", "合", "义", "路", "池", "孔", "元",
    "田", "江", "口", "岭", "场", "林", "峰", "源", "湖", "鸾", "普", "威", "坛", "明", "木", "龙",
];
/// Syllables for village names (two characters + 村).
pub(crate) const VILLAGE_FIRST: &[&str] = &[
    "双", "桂", "龙", "凤", "石", "新", "太", "青", "黄", "红", "金", "银", "长", "高", "白", "马",
    "柳", "杨", "李", "竹", "茶", "花", "水", "岩", "堰", "庙", "狮", "鹤", "云", "天", "坪", "团",
    "大", "小", "三", "五", "七", "九", "永", "安", "东", "南", "西", "北", "中", "上", "下", "桃",
    "梨", "枫", "松", "柏", "楠", "兴", "光", "明", "和", "平",
];
pub(crate) const VILLAGE_SECOND: &[&str] = &[
    "河", "坝", "溪", "山", "坪", "湾", "桥", "林", "岭", "峰", "沟", "岩", "塘", "堡", "园", "坡",
    "垭", "槽", "口", "台", "池", "田", "冲", "门", "寨", "场", "庄", "院", "梁", "坎", "丘", "井",
];

/// Places where migrant workers from Fengdu typically work: (name, is in-county, monthly pay range in 元).
pub(crate) const WORK_PLACES: &[(&str, u32, u32, u32)] = &[
    // (place, weight, pay_lo, pay_hi)
    ("县内", 30, 2200, 3800),
    ("重庆主城", 24, 3200, 5800),
    ("重庆涪陵", 6, 3000, 5000),
    ("重庆万州", 4, 2900, 4800),
    ("浙江宁波", 7, 4200, 7000),
    ("浙江杭州", 4, 4300, 7200),
    ("广东东莞", 7, 4000, 6800),
    ("广东深圳", 4, 4500, 7800),
    ("江苏苏州", 5, 4200, 7000),
    ("福建厦门", 3, 4000, 6500),
    ("上海", 3, 4800, 8000),
    ("四川成都", 3, 3500, 6000),
];

pub(crate) const EMPLOYERS: &[&str] = &[
    "建筑工地",
    "电子厂",
    "服装厂",
    "物流公司",
    "餐饮店",
    "家政服务公司",
    "汽车配件厂",
    "食品加工厂",
    "保安服务公司",
    "装修公司",
    "农业合作社",
    "个体经营",
];
