// rust_threads: Rust std threads on the guest: thread::spawn + join (with
// return values and names), an mpsc channel with several senders, a sync_channel
// (bounded: senders block), Arc<Mutex<_>> counters, Condvar hand-off, RwLock,
// atomics, Barrier, and thread::scope borrowing local data. No thread panics
// (the guests are built with panic = "abort"). Every printed value is
// independent of scheduling.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Condvar, Mutex, RwLock};
use std::thread;

fn work(seed: u64, n: u32) -> u64 {
    let mut x = seed;
    for i in 0..n {
        x = (x ^ (x >> 29)).wrapping_mul(0x9E3779B97F4A7C15).wrapping_add(i as u64);
    }
    x
}

fn main() {
    // spawn + join with results, named threads
    let handles: Vec<_> = (0..4u64)
        .map(|i| {
            thread::Builder::new()
                .name(format!("worker-{}", i))
                .spawn(move || (thread::current().name().unwrap().to_string(), work(i, 10000)))
                .unwrap()
        })
        .collect();
    let results: Vec<(String, u64)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    for (name, r) in &results {
        println!("spawn/join: {} -> {:016x}", name, r);
    }

    // Arc<Mutex<_>>: 4 threads x 2500 increments
    let counter = Arc::new(Mutex::new(0u64));
    let hs: Vec<_> = (0..4)
        .map(|_| {
            let c = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..2500 {
                    *c.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    hs.into_iter().for_each(|h| h.join().unwrap());
    println!("mutex counter: {} (strong refs now {})", *counter.lock().unwrap(), Arc::strong_count(&counter));

    // mpsc: 3 senders, 100 messages each, summed by the receiver
    let (tx, rx) = mpsc::channel::<(u32, u32)>();
    for s in 0..3u32 {
        let tx = tx.clone();
        thread::spawn(move || {
            for i in 0..100u32 {
                tx.send((s, i * i)).unwrap();
            }
        });
    }
    drop(tx);
    let mut per_sender = [0u64; 3];
    let mut n = 0;
    for (s, v) in rx {
        per_sender[s as usize] += v as u64;
        n += 1;
    }
    println!("mpsc: messages={} per_sender={:?}", n, per_sender);

    // sync_channel(2): the producer blocks whenever the buffer is full
    let (stx, srx) = mpsc::sync_channel::<u64>(2);
    let prod = thread::spawn(move || {
        for i in 1..=500u64 {
            stx.send(i).unwrap();
        }
    });
    let total: u64 = srx.iter().sum();
    prod.join().unwrap();
    println!("sync_channel: sum={}", total);

    // Condvar: a one-shot hand-off in each direction
    let pair = Arc::new((Mutex::new((false, 0u64)), Condvar::new()));
    let p2 = Arc::clone(&pair);
    let t = thread::spawn(move || {
        let (m, cv) = &*p2;
        let mut st = m.lock().unwrap();
        while !st.0 {
            st = cv.wait(st).unwrap();
        }
        st.1 = st.1 * 2 + 1; // answer
        st.0 = false;
        cv.notify_all();
    });
    {
        let (m, cv) = &*pair;
        let mut st = m.lock().unwrap();
        st.1 = 20;
        st.0 = true;
        cv.notify_all();
        while st.0 {
            st = cv.wait(st).unwrap();
        }
        println!("condvar: answer={}", st.1);
    }
    t.join().unwrap();

    // RwLock + atomics + Barrier
    let table = Arc::new(RwLock::new(vec![1u64; 64]));
    let hits = Arc::new(AtomicU64::new(0));
    let barrier = Arc::new(Barrier::new(4));
    let hs: Vec<_> = (0..4usize)
        .map(|i| {
            let (table, hits, barrier) = (Arc::clone(&table), Arc::clone(&hits), Arc::clone(&barrier));
            thread::spawn(move || {
                {
                    let mut w = table.write().unwrap();
                    for k in (i..64).step_by(4) {
                        w[k] += k as u64;
                    }
                }
                let leader = barrier.wait().is_leader(); // every write is done after this
                let sum: u64 = table.read().unwrap().iter().sum();
                hits.fetch_add(sum, Ordering::Relaxed);
                leader
            })
        })
        .collect();
    let leaders = hs.into_iter().map(|h| h.join().unwrap()).filter(|&l| l).count();
    println!("rwlock+barrier: each reader saw sum={} leaders={}", hits.load(Ordering::Relaxed) / 4, leaders);

    // thread::scope: borrow local data, no Arc
    let data: Vec<u64> = (1..=10000).collect();
    let mut partial = [0u64; 4];
    thread::scope(|s| {
        for (chunk, out) in data.chunks(2500).zip(partial.iter_mut()) {
            s.spawn(move || {
                *out = chunk.iter().map(|x| x * x).sum();
            });
        }
    });
    println!("scope: partial sums of squares={:?} total={}", partial, partial.iter().sum::<u64>());

    println!("rust_threads: done");
}
