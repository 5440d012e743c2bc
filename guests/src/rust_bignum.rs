// rust_bignum: schoolbook big-integer arithmetic on u64 limbs, the kind of code whose
// cycles a zkVM developer profiles. Computes 3^4000 by repeated squaring and 400! by
// repeated multiplication, prints both in decimal (first and last 40 digits, digit count)
// and an FNV-1a checksum of all the digits. Integer only; about 1.3 M instructions.
use std::fmt::Write;

/// a * b, schoolbook: the hot function.
#[inline(never)]
fn bignum_mul(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = vec![0u64; a.len() + b.len()];
    for (i, &x) in a.iter().enumerate() {
        let mut carry: u128 = 0;
        for (j, &y) in b.iter().enumerate() {
            let t = (x as u128) * (y as u128) + (out[i + j] as u128) + carry;
            out[i + j] = t as u64;
            carry = t >> 64;
        }
        let mut k = i + b.len();
        while carry != 0 {
            let t = (out[k] as u128) + carry;
            out[k] = t as u64;
            carry = t >> 64;
            k += 1;
        }
    }
    while out.len() > 1 && *out.last().unwrap() == 0 {
        out.pop();
    }
    out
}

/// Divides in place by a small divisor, returns the remainder.
#[inline(never)]
fn bignum_divrem_small(a: &mut Vec<u64>, d: u64) -> u64 {
    let mut rem: u128 = 0;
    for limb in a.iter_mut().rev() {
        let cur = (rem << 64) | (*limb as u128);
        *limb = (cur / d as u128) as u64;
        rem = cur % d as u128;
    }
    while a.len() > 1 && *a.last().unwrap() == 0 {
        a.pop();
    }
    rem as u64
}

fn bignum_pow(base: u64, mut exp: u32) -> Vec<u64> {
    let mut result = vec![1u64];
    let mut b = vec![base];
    while exp > 0 {
        if exp & 1 == 1 {
            result = bignum_mul(&result, &b);
        }
        b = bignum_mul(&b, &b);
        exp >>= 1;
    }
    result
}

fn factorial(n: u64) -> Vec<u64> {
    let mut acc = vec![1u64];
    for k in 2..=n {
        acc = bignum_mul(&acc, &[k]);
    }
    acc
}

fn to_decimal(mut a: Vec<u64>) -> String {
    // 19 decimal digits per division by 10^19
    let mut chunks = Vec::new();
    while !(a.len() == 1 && a[0] == 0) {
        chunks.push(bignum_divrem_small(&mut a, 10_000_000_000_000_000_000));
    }
    let mut s = String::new();
    match chunks.pop() {
        Some(top) => write!(s, "{}", top).unwrap(),
        None => s.push('0'),
    }
    while let Some(c) = chunks.pop() {
        write!(s, "{:019}", c).unwrap();
    }
    s
}

fn fnv(h: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *h ^= b as u64;
        *h = h.wrapping_mul(0x100000001b3);
    }
}

fn main() {
    let mut h: u64 = 0xcbf29ce484222325;
    for (name, value) in [("3^4000", bignum_pow(3, 4000)), ("400!", factorial(400))] {
        let digits = to_decimal(value);
        fnv(&mut h, digits.as_bytes());
        println!("{} = {}...{} ({} digits)", name, &digits[..40], &digits[digits.len() - 40..], digits.len());
    }
    println!("checksum={:016x}", h);
}
