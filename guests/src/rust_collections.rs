// rust_collections: Rust std collections and allocation on the guest.
//
// Vec (push, sort, sort_unstable_by, dedup, retain, binary_search), HashMap
// (word counts; printed in sorted key order: HashMap iteration order depends on
// its random seed), BTreeMap/BTreeSet, VecDeque, BinaryHeap, String building and
// formatting (width, precision, hex, Debug), Box<dyn Trait>, a few thousand
// allocations of varying sizes (Vec<Vec<u8>>, Strings, Boxes), and a final FNV
// checksum over everything printed. Integer-only: no floating point.
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }
}

trait Shape {
    fn name(&self) -> String;
    fn area2(&self) -> u64; // twice the area: stays an integer for triangles
}
struct Rect { w: u64, h: u64 }
struct Tri { b: u64, h: u64 }
struct Square(u64);
impl Shape for Rect {
    fn name(&self) -> String { format!("rect {}x{}", self.w, self.h) }
    fn area2(&self) -> u64 { 2 * self.w * self.h }
}
impl Shape for Tri {
    fn name(&self) -> String { format!("tri b={} h={}", self.b, self.h) }
    fn area2(&self) -> u64 { self.b * self.h }
}
impl Shape for Square {
    fn name(&self) -> String { format!("square {}", self.0) }
    fn area2(&self) -> u64 { 2 * self.0 * self.0 }
}

struct Out { text: String }
impl Out {
    fn line(&mut self, s: String) {
        println!("{}", s);
        self.text.push_str(&s);
        self.text.push('\n');
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100000001b3))
}

const TEXT: &str = "the quick brown fox jumps over the lazy dog the dog barks \
    and the fox runs into the brown forest where the quick river runs over stones";

fn main() {
    let mut out = Out { text: String::new() };
    let mut rng = Lcg(0x5eed);

    // Vec: sort, dedup, retain, binary search
    let mut v: Vec<u32> = (0..2000).map(|_| rng.next() % 10000).collect();
    v.sort();
    let sorted_ok = v.windows(2).all(|w| w[0] <= w[1]);
    let len_before = v.len();
    v.dedup();
    let uniq = v.len();
    v.retain(|x| x % 3 == 0);
    let found = (0..10000u32).filter(|x| v.binary_search(x).is_ok()).count();
    out.line(format!("vec: n={} sorted={} unique={} multiples_of_3={} found={} first={:?} last={:?}",
        len_before, sorted_ok, uniq, v.len(), found, &v[..4], &v[v.len() - 3..]));

    let mut pairs: Vec<(u32, String)> = (0..300).map(|i| (rng.next() % 50, format!("item{:03}", i))).collect();
    pairs.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    out.line(format!("sort_unstable_by: head={:?}", &pairs[..3]));

    // HashMap: word counts, printed sorted
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in TEXT.split_whitespace() {
        *counts.entry(w).or_insert(0) += 1;
    }
    let mut keys: Vec<_> = counts.iter().collect();
    keys.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let top: Vec<String> = keys.iter().take(6).map(|(k, c)| format!("{}={}", k, c)).collect();
    out.line(format!("hashmap: words={} distinct={} top: {}", TEXT.split_whitespace().count(),
        counts.len(), top.join(" ")));

    let mut big: HashMap<u64, u64> = HashMap::new();
    for i in 0..5000u64 {
        big.insert(i.wrapping_mul(2654435761) % 100003, i);
    }
    let removed = (0..100003u64).step_by(7).filter(|k| big.remove(k).is_some()).count();
    let mut ks: Vec<u64> = big.keys().copied().collect();
    ks.sort_unstable();
    let hs: HashSet<u64> = ks.iter().map(|k| k % 97).collect();
    out.line(format!("hashmap<u64>: len={} removed={} min_key={} max_key={} sum_values={} residues_mod_97={}",
        big.len(), removed, ks[0], ks[ks.len() - 1], big.values().sum::<u64>(), hs.len()));

    // BTreeMap / BTreeSet: ordered by construction
    let mut bt: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for i in 0..400u32 {
        let key = format!("k{:02}", rng.next() % 40);
        bt.entry(key).or_default().push(i);
    }
    let first: Vec<String> = bt.iter().take(3).map(|(k, v)| format!("{}:{}", k, v.len())).collect();
    let range: usize = bt.range("k10".to_string().."k20".to_string()).map(|(_, v)| v.len()).sum();
    out.line(format!("btreemap: keys={} first={:?} range[k10,k20)={} last={:?}",
        bt.len(), first, range, bt.keys().next_back()));
    let set: BTreeSet<u32> = (0..1000).map(|_| rng.next() % 500).collect();
    out.line(format!("btreeset: len={} min={:?} max={:?} below_100={}",
        set.len(), set.first(), set.last(), set.range(..100).count()));

    // VecDeque and BinaryHeap
    let mut dq: VecDeque<u32> = VecDeque::new();
    for i in 0..1000u32 {
        if i % 3 == 0 { dq.push_front(i) } else { dq.push_back(i) }
        if i % 5 == 0 { dq.pop_back(); }
    }
    out.line(format!("vecdeque: len={} front={:?} back={:?}", dq.len(), dq.front(), dq.back()));
    let mut heap: BinaryHeap<(u32, u32)> = (0..1000u32).map(|i| (rng.next() % 1000, i)).collect();
    let top3: Vec<_> = (0..3).map(|_| heap.pop().unwrap()).collect();
    out.line(format!("binaryheap: top3={:?} left={}", top3, heap.len()));

    // String formatting
    let mut s = String::new();
    write!(s, "[{:>8}|{:<8}|{:^8}]", "right", "left", "mid").unwrap();
    write!(s, " {:08}|{:+}|{:#x}|{:#o}|{:#b}|{:e}|{:>+6}", 1234, 42, 255, 8, 5, 1500, -17).unwrap();
    write!(s, " {:?} {:?}", "quote\"tab\t", Some(('x', -7i8))).unwrap();
    out.line(format!("format: {}", s));
    let upper: String = "Grüße, ZeroOS".to_uppercase();
    out.line(format!("unicode: {} chars={} bytes={} rev={}", upper, upper.chars().count(), upper.len(),
        upper.chars().rev().collect::<String>()));

    // Box<dyn Trait>
    let shapes: Vec<Box<dyn Shape>> = (0..30u64)
        .map(|i| -> Box<dyn Shape> {
            match i % 3 {
                0 => Box::new(Rect { w: i + 1, h: i + 2 }),
                1 => Box::new(Tri { b: i + 3, h: i }),
                _ => Box::new(Square(i)),
            }
        })
        .collect();
    let total2: u64 = shapes.iter().map(|s| s.area2()).sum();
    let largest = shapes.iter().max_by_key(|s| s.area2()).unwrap();
    out.line(format!("dyn Shape: n={} total_area*2={} largest={} ({})", shapes.len(), total2,
        largest.name(), largest.area2()));

    // a few thousand allocations of varying sizes, kept alive, mutated, dropped
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    let mut strings: Vec<String> = Vec::new();
    let mut boxes: Vec<Box<[u64; 16]>> = Vec::new();
    let mut alloc_sum = 0u64;
    for i in 0..4000usize {
        let n = match rng.next() % 100 { 0..=69 => 8 + rng.next() % 120, 70..=97 => 128 + rng.next() % 4000,
                                         _ => 4096 + rng.next() % 200000 } as usize;
        let mut b = vec![0u8; n];
        for (k, x) in b.iter_mut().enumerate().step_by(61) { *x = (i + k) as u8; }
        alloc_sum = alloc_sum.wrapping_add(b.iter().step_by(61).map(|&x| x as u64).sum::<u64>());
        blocks.push(b);
        if i % 4 == 0 { strings.push(format!("string number {} of {}", i, "x".repeat(i % 50))); }
        if i % 8 == 0 { boxes.push(Box::new([i as u64; 16])); }
        if blocks.len() > 300 { let j = (rng.next() as usize) % blocks.len(); blocks.swap_remove(j); }
        if i % 500 == 499 { blocks.iter_mut().for_each(|b| { b.truncate(b.len() / 2); b.shrink_to_fit(); }); }
    }
    let live: usize = blocks.iter().map(|b| b.len()).sum();
    let slen: usize = strings.iter().map(|s| s.len()).sum();
    let bsum: u64 = boxes.iter().map(|b| b.iter().sum::<u64>()).sum();
    out.line(format!("allocations: blocks_live={} bytes_live={} byte_sum={} strings={} string_bytes={} boxes={} box_sum={}",
        blocks.len(), live, alloc_sum, strings.len(), slen, boxes.len(), bsum));
    drop(blocks);

    let sum = fnv(out.text.as_bytes());
    println!("checksum={:016x}", sum);
}
