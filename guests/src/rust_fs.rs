// rust_fs: std::fs on the guest, in a directory "work" relative to the working
// directory (created here, removed at the end): create_dir_all, fs::write,
// read_to_string, OpenOptions (append, create_new), BufReader::lines, BufWriter,
// Seek, read_dir (sorted before printing), metadata (len, is_dir, is_file,
// symlink_metadata), fs::copy, rename, hard_link, soft links + read_link,
// set_len, remove_file, remove_dir, remove_dir_all, and the io::ErrorKind of the
// usual failures. Nothing printed depends on paths outside "work", times or modes.
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

fn kind<T>(r: io::Result<T>) -> String {
    match r {
        Ok(_) => "ok".to_string(),
        Err(e) => format!("{:?}", e.kind()),
    }
}

fn listing(dir: &Path) -> io::Result<String> {
    let mut names: Vec<String> = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let ft = entry.file_type()?;
        let t = if ft.is_dir() {
            "d"
        } else if ft.is_symlink() {
            "l"
        } else if ft.is_file() {
            "f"
        } else {
            "?"
        };
        names.push(format!("{}:{}", entry.file_name().to_string_lossy(), t));
    }
    names.sort();
    Ok(names.join(" "))
}

fn main() -> io::Result<()> {
    let root = Path::new("work");
    println!("work exists before: {}", root.exists());
    fs::create_dir_all(root.join("a/b/c"))?;
    println!("create_dir_all work/a/b/c: ok, is_dir: {}", fs::metadata("work/a/b/c")?.is_dir());
    println!("create_dir_all again (exists): {}", kind(fs::create_dir_all("work/a/b/c")));
    println!("create_dir work/a (exists): {}", kind(fs::create_dir("work/a")));

    // write / read
    let text: String = (1..=50).map(|i| format!("line {} of the file: {}\n", i, "x".repeat(i % 7))).collect();
    fs::write("work/a/notes.txt", &text)?;
    let back = fs::read_to_string("work/a/notes.txt")?;
    println!("write + read_to_string: {} bytes, identical: {}", back.len(), back == text);
    let md = fs::metadata("work/a/notes.txt")?;
    println!("metadata: len {}, is_file {}, is_dir {}", md.len(), md.is_file(), md.is_dir());

    // BufReader lines
    let f = File::open("work/a/notes.txt")?;
    let mut n = 0;
    let mut long = 0;
    let mut last = String::new();
    for line in BufReader::new(f).lines() {
        let line = line?;
        n += 1;
        long = long.max(line.len());
        last = line;
    }
    println!("BufReader::lines: {} lines, longest {} bytes, last {:?}", n, long, last);

    // BufWriter with many small writes, then append, create_new
    {
        let mut w = BufWriter::new(File::create("work/a/b/numbers.txt")?);
        for i in 0..1000 {
            writeln!(w, "{}", i * i)?;
        }
        w.flush()?;
    }
    let nums = fs::read_to_string("work/a/b/numbers.txt")?;
    let sum: u64 = nums.lines().map(|l| l.parse::<u64>().unwrap()).sum();
    println!("BufWriter 1000 lines: {} bytes, sum of squares {}", nums.len(), sum);
    {
        let mut f = OpenOptions::new().append(true).open("work/a/b/numbers.txt")?;
        f.write_all(b"appended\n")?;
    }
    let nums = fs::read_to_string("work/a/b/numbers.txt")?;
    println!("append: last line {:?}, len {}", nums.lines().last().unwrap(), nums.len());
    println!(
        "OpenOptions create_new on an existing file: {}",
        kind(OpenOptions::new().write(true).create_new(true).open("work/a/b/numbers.txt"))
    );

    // Seek + read, set_len
    {
        let mut f = OpenOptions::new().read(true).write(true).open("work/a/notes.txt")?;
        let pos = f.seek(SeekFrom::End(-10))?;
        let mut tail = String::new();
        f.read_to_string(&mut tail)?;
        println!("seek End(-10) -> {}, read {:?}", pos, tail);
        f.seek(SeekFrom::Start(0))?;
        f.write_all(b"LINE")?;
        println!("seek Current(0) after writing 4 at 0 -> {}", f.stream_position()?);
        f.set_len(100)?;
        println!("set_len(100): len {}", f.metadata()?.len());
    }
    let head = fs::read("work/a/notes.txt")?;
    println!("read: {} bytes, starts with {:?}", head.len(), String::from_utf8_lossy(&head[..10]));

    // copy, rename, links
    let copied = fs::copy("work/a/b/numbers.txt", "work/a/b/c/copy.txt")?;
    println!(
        "fs::copy: {} bytes, identical: {}",
        copied,
        fs::read("work/a/b/c/copy.txt")? == fs::read("work/a/b/numbers.txt")?
    );
    fs::rename("work/a/notes.txt", "work/notes-renamed.txt")?;
    println!(
        "rename: old exists {}, new exists {}",
        Path::new("work/a/notes.txt").exists(),
        Path::new("work/notes-renamed.txt").exists()
    );
    fs::hard_link("work/notes-renamed.txt", "work/hard.txt")?;
    std::os::unix::fs::symlink("notes-renamed.txt", "work/soft.txt")?;
    println!("read_link work/soft.txt: {:?}", fs::read_link("work/soft.txt")?);
    println!(
        "symlink_metadata is_symlink: {}, metadata (followed) len: {}",
        fs::symlink_metadata("work/soft.txt")?.file_type().is_symlink(),
        fs::metadata("work/soft.txt")?.len()
    );
    {
        use std::os::unix::fs::MetadataExt;
        let a = fs::metadata("work/notes-renamed.txt")?;
        let b = fs::metadata("work/hard.txt")?;
        println!("hard_link: nlink {}, same inode {}", a.nlink(), a.ino() == b.ino() && a.dev() == b.dev());
    }

    // read_dir, sorted
    for name in ["zz", "mm", "aa"] {
        fs::write(root.join(name), name)?;
    }
    println!("read_dir work: {}", listing(root)?);
    println!("read_dir work/a/b: {}", listing(&root.join("a/b"))?);

    // errors
    println!("read_to_string missing: {}", kind(fs::read_to_string("work/missing")));
    println!("remove_dir non-empty work/a: {}", kind(fs::remove_dir("work/a")));
    println!("remove_file on a directory: {}", kind(fs::remove_file("work/a/b")));
    println!("File::open a directory then read: {}", kind(File::open("work/a").and_then(|mut f| f.read(&mut [0u8; 4]))));
    println!("metadata missing: {}", kind(fs::metadata("work/nope/x")));
    println!("read_dir on a file: {}", kind(fs::read_dir("work/zz")));

    // clean up
    fs::remove_file("work/soft.txt")?;
    fs::remove_file("work/hard.txt")?;
    println!("remove_file: soft exists {}, target still exists {}", Path::new("work/soft.txt").exists(), Path::new("work/notes-renamed.txt").exists());
    println!("remove_dir_all work/a: {}", kind(fs::remove_dir_all("work/a")));
    println!("read_dir work after: {}", listing(root)?);
    fs::remove_dir_all(root)?;
    println!("work exists after remove_dir_all: {}", root.exists());
    Ok(())
}
