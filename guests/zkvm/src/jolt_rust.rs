// jolt_rust: a Rust std program linked by `zeroos linker-script --platform jolt` (stack 1 MiB,
// heap 32 MiB), run in host trap mode. Threads (thread::spawn + join with return values, a
// named thread built with a 256 KiB stack, thread::scope), Arc<Mutex<_>>, an mpsc channel,
// Vec, HashMap (printed in sorted order: its iteration order depends on the random seed),
// BTreeMap, String formatting. Every printed value is independent of scheduling. Ends by
// returning from main: exit_group(0), exit 0 (no termination store: a plain Linux program).
// The same source built for Linux prints exactly the same (guests/expected/jolt/jolt_rust.*).
use std::collections::{BTreeMap, HashMap};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;

fn collatz_len(mut n: u64) -> u32 {
    let mut steps = 0;
    while n != 1 {
        n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
        steps += 1;
    }
    steps
}

fn main() {
    // Vec: build, sort, dedup, fold
    let mut v: Vec<u64> = (1..=200u64).map(|i| (i * 7919) % 263).collect();
    v.sort_unstable();
    v.dedup();
    let sum: u64 = v.iter().sum();
    println!("vec: len={} first={:?} last={:?} sum={}", v.len(), &v[..4], &v[v.len() - 3..], sum);

    // threads with return values
    let handles: Vec<_> = (0..4u64)
        .map(|t| thread::spawn(move || (t * 250 + 1..=(t + 1) * 250).map(collatz_len).max().unwrap()))
        .collect();
    let maxima: Vec<u32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    println!("threads: collatz maxima per quarter of 1..=1000: {:?}", maxima);

    // a named thread with an explicit stack size
    let named = thread::Builder::new()
        .name("worker-256k".into())
        .stack_size(256 * 1024)
        .spawn(|| format!("{} says hi", thread::current().name().unwrap()))
        .unwrap();
    println!("named: {}", named.join().unwrap());

    // shared counter and a channel
    let counter = Arc::new(Mutex::new(0u64));
    let (tx, rx) = mpsc::channel();
    let workers: Vec<_> = (0..3u64)
        .map(|id| {
            let counter = Arc::clone(&counter);
            let tx = tx.clone();
            thread::spawn(move || {
                for i in 0..100 {
                    *counter.lock().unwrap() += id * 100 + i;
                }
                tx.send(id * id).unwrap();
            })
        })
        .collect();
    drop(tx);
    for w in workers {
        w.join().unwrap();
    }
    let mut got: Vec<u64> = rx.iter().collect();
    got.sort();
    println!("mutex: counter={} channel={:?}", *counter.lock().unwrap(), got);

    // scoped threads borrowing local data
    let words = ["zero", "one", "two", "three", "four", "five", "six", "seven"];
    let lens: Vec<usize> = thread::scope(|s| {
        let hs: Vec<_> = words.chunks(2).map(|c| s.spawn(move || c.iter().map(|w| w.len()).sum())).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    println!("scope: {:?}", lens);

    // HashMap: word counts, printed sorted
    let text = "the quick brown fox jumps over the lazy dog the fox";
    let mut counts: HashMap<&str, u32> = HashMap::new();
    for w in text.split_whitespace() {
        *counts.entry(w).or_insert(0) += 1;
    }
    let mut sorted: Vec<_> = counts.iter().collect();
    sorted.sort();
    println!("hashmap: {} keys {:?}", counts.len(), sorted);

    // BTreeMap: ordered, range queries
    let mut tree = BTreeMap::new();
    for i in 0..50u32 {
        tree.insert((i * 37) % 101, i);
    }
    let range: Vec<_> = tree.range(10..30).map(|(k, v)| (*k, *v)).collect();
    println!("btreemap: len={} first={:?} last={:?} range10..30={:?}", tree.len(), tree.iter().next(), tree.iter().next_back(), range);

    // strings
    let s = format!("{:>8}|{:<6}|{:^7}|{:#x}|{:+}", "right", "left", "mid", 48879, 42);
    println!("fmt: {}", s);
    println!("done");
}
