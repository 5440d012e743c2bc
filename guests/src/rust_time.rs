// rust_time: std::time and sleeping in Rust std; prints only properties.
//  - Instant: 1000 reads never go backwards; thread::sleep(20 ms) takes >= 20 ms
//    of Instant time; checked_duration_since / saturating_duration_since.
//  - SystemTime::now() is not before UNIX_EPOCH; it moves forward over a sleep.
//  - Two threads sleep 100 ms and 10 ms and then send their name on a channel: the
//    main thread receives the 10 ms one first, and the second message no earlier
//    than 100 ms after the start.
//  - recv_timeout(30 ms) on an empty channel times out after >= 30 ms.
//  - A HashMap<String, u32> (its iteration order depends on the random hash
//    seed, from getrandom) of word counts, printed sorted.
use std::collections::HashMap;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let start = Instant::now();
    let mut prev = start;
    let mut mono = true;
    for _ in 0..1000 {
        let now = Instant::now();
        if now < prev {
            mono = false;
        }
        prev = now;
    }
    println!("Instant: 1000 reads non-decreasing: {}", mono);

    let t0 = Instant::now();
    let s0 = SystemTime::now();
    thread::sleep(Duration::from_millis(20));
    let slept = t0.elapsed();
    let s1 = SystemTime::now();
    println!("thread::sleep(20ms): Instant elapsed >= 20ms: {}", slept >= Duration::from_millis(20));
    println!(
        "checked_duration_since(later) is None: {}, saturating is zero: {}",
        t0.checked_duration_since(Instant::now()).is_none(),
        t0.saturating_duration_since(Instant::now()) == Duration::ZERO
    );
    println!("SystemTime::now() >= UNIX_EPOCH: {}", s0.duration_since(UNIX_EPOCH).is_ok());
    println!("SystemTime moved forward over the sleep: {}", s1 > s0);

    // ordering by sleep length, through a channel
    let (tx, rx) = mpsc::channel::<(&'static str, Duration)>();
    let begin = Instant::now();
    let handles: Vec<_> = [("slow", 100u64), ("fast", 10u64)]
        .into_iter()
        .map(|(name, ms)| {
            let tx = tx.clone();
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(ms));
                tx.send((name, begin.elapsed())).unwrap();
            })
        })
        .collect();
    drop(tx);
    let first = rx.recv().unwrap();
    let second = rx.recv().unwrap();
    let after = begin.elapsed();
    for h in handles {
        h.join().unwrap();
    }
    println!("sleeping threads arrive in order: {} then {}", first.0, second.0);
    println!(
        "fast sent after >= 10ms: {}, slow after >= 100ms: {}, received both after >= 100ms: {}",
        first.1 >= Duration::from_millis(10),
        second.1 >= Duration::from_millis(100),
        after >= Duration::from_millis(100)
    );
    println!("channel closed after both senders: {}", rx.recv().is_err());

    let (_tx2, rx2) = mpsc::channel::<u32>();
    let t = Instant::now();
    let r = rx2.recv_timeout(Duration::from_millis(30));
    println!(
        "recv_timeout(30ms) on an empty channel: timed out: {}, after >= 30ms: {}",
        r == Err(mpsc::RecvTimeoutError::Timeout),
        t.elapsed() >= Duration::from_millis(30)
    );

    // HashMap with the random seed: print sorted
    let text = "the kernel maps the page and the thread reads the page then the kernel frees \
                the page and the clock ticks and the thread sleeps";
    let mut counts: HashMap<String, u32> = HashMap::new();
    for w in text.split_whitespace() {
        *counts.entry(w.to_string()).or_insert(0) += 1;
    }
    let mut v: Vec<(&String, &u32)> = counts.iter().collect();
    v.sort();
    let line: Vec<String> = v.iter().map(|(k, n)| format!("{}={}", k, n)).collect();
    println!("HashMap word counts (sorted): {}", line.join(" "));
    println!("distinct words: {}, total: {}", counts.len(), counts.values().sum::<u32>());
}
