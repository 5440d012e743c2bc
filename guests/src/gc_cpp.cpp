// gc_cpp: a static glibc RV64GC (lp64d) C++17 program with Debian's libstdc++: std::thread,
// mutex, condition_variable, atomic, future/async/promise/packaged_task, exceptions thrown in
// one thread and caught in another, iostreams (fixed, scientific, setprecision, hexfloat),
// std::locale("C"), <cmath>, std::map/unordered_map and std::string formatting. Built by
// guests/build-glibc.sh with riscv64-linux-gnu-g++ (-O2 -static -pthread).
//
// `gc_cpp [SECTION...]` runs the named sections (threads, exceptions, streams, locale, cmath,
// containers, strings) in that order; with no argument, all of them. The output depends on
// the computation only (no addresses, times or thread ids): results of concurrent work are
// combined in a fixed order after the joins.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <iomanip>
#include <iostream>
#include <limits>
#include <locale>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <numeric>
#include <shared_mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

// ------------------------------------------------------------------ threads

/** A bounded queue: producers block when it is full, consumers when it is empty. */
template <typename T> class BoundedQueue {
public:
    explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}
    void push(T v) {
        std::unique_lock<std::mutex> lock(m_);
        notFull_.wait(lock, [&] { return items_.size() < capacity_; });
        items_.push_back(std::move(v));
        notEmpty_.notify_one();
    }
    T pop() {
        std::unique_lock<std::mutex> lock(m_);
        notEmpty_.wait(lock, [&] { return !items_.empty(); });
        T v = std::move(items_.front());
        items_.pop_front();
        notFull_.notify_one();
        return v;
    }

private:
    std::mutex m_;
    std::condition_variable notFull_, notEmpty_;
    std::deque<T> items_;
    std::size_t capacity_;
};

thread_local int tlsCounter = 100;

void threadsSection() {
    std::cout << "== threads\n";
    // 3 producers x 200 items through a queue of 8 to 2 consumers; -1 ends a consumer
    BoundedQueue<int> q(8);
    std::vector<long> consumed(2, 0);
    std::vector<int> counts(2, 0);
    std::vector<std::thread> producers, consumers;
    for (int c = 0; c < 2; c++)
        consumers.emplace_back([&, c] {
            for (int v; (v = q.pop()) >= 0;) consumed[c] += v, counts[c]++;
        });
    for (int p = 0; p < 3; p++)
        producers.emplace_back([&, p] {
            for (int i = 0; i < 200; i++) q.push(p * 1000 + i);
        });
    for (auto &t : producers) t.join();
    q.push(-1);
    q.push(-1);
    for (auto &t : consumers) t.join();
    std::cout << "queue: items " << counts[0] + counts[1] << ", sum " << consumed[0] + consumed[1] << '\n';

    // atomics: 8 threads x 20000 increments, a CAS loop keeping the maximum, a spin flag
    std::atomic<long> counter{0};
    std::atomic<int> maximum{0};
    std::atomic_flag spin = ATOMIC_FLAG_INIT;
    long plain = 0; // guarded by the spin flag
    std::vector<std::thread> ts;
    for (int t = 0; t < 8; t++)
        ts.emplace_back([&, t] {
            for (int i = 0; i < 20000; i++) counter.fetch_add(1, std::memory_order_relaxed);
            int want = t * 37 % 11, cur = maximum.load();
            while (want > cur && !maximum.compare_exchange_weak(cur, want)) {
            }
            for (int i = 0; i < 100; i++) {
                while (spin.test_and_set(std::memory_order_acquire)) std::this_thread::yield();
                plain++;
                spin.clear(std::memory_order_release);
            }
            tlsCounter += t; // each thread its own copy
        });
    for (auto &t : ts) t.join();
    std::cout << "atomic counter " << counter << ", max " << maximum << ", spin-locked " << plain
              << ", main's thread_local " << tlsCounter << '\n';

    // futures: async, deferred, promise, packaged_task
    auto square = [](long n) {
        long s = 0;
        for (long i = 1; i <= n; i++) s += i * i;
        return s;
    };
    std::vector<std::future<long>> fs;
    for (long n : {10L, 100L, 1000L, 10000L}) fs.push_back(std::async(std::launch::async, square, n));
    auto deferred = std::async(std::launch::deferred, square, 5L);
    std::promise<std::string> promise;
    std::future<std::string> fromPromise = promise.get_future();
    std::thread setter([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        promise.set_value("set by another thread");
    });
    std::packaged_task<double(double)> task([](double x) { return std::sqrt(x); });
    std::future<double> fromTask = task.get_future();
    std::thread runner(std::move(task), 2.0);
    std::cout << "async:";
    for (auto &f : fs) std::cout << ' ' << f.get();
    std::cout << ", deferred " << deferred.get() << ", promise \"" << fromPromise.get() << "\", task "
              << std::setprecision(17) << fromTask.get() << std::setprecision(6) << '\n';
    setter.join();
    runner.join();

    // shared_mutex: readers and one writer
    std::shared_mutex rw;
    int version = 0;
    std::atomic<int> sawFinal{0};
    std::thread writer([&] {
        std::unique_lock<std::shared_mutex> lock(rw);
        version = 3;
    });
    writer.join();
    std::vector<std::thread> readers;
    for (int i = 0; i < 4; i++)
        readers.emplace_back([&] {
            std::shared_lock<std::shared_mutex> lock(rw);
            if (version == 3) sawFinal++;
        });
    for (auto &t : readers) t.join();
    std::cout << "shared_mutex readers saw version 3: " << sawFinal << " of 4\n";
    std::cout << "hardware_concurrency > 0: " << (std::thread::hardware_concurrency() > 0 ? "yes" : "no") << '\n';
}

// --------------------------------------------------------------- exceptions

struct ParseError : std::runtime_error {
    int line;
    ParseError(const std::string &what, int line) : std::runtime_error(what), line(line) {}
};

int parsePositive(const std::string &s, int line) {
    std::size_t used = 0;
    int v = std::stoi(s, &used); // std::invalid_argument / std::out_of_range
    if (used != s.size()) throw ParseError("trailing characters in \"" + s + "\"", line);
    if (v <= 0) throw ParseError("not positive: " + s, line);
    return v;
}

struct Tracker {
    static int live;
    std::string name;
    explicit Tracker(std::string n) : name(std::move(n)) { live++; }
    ~Tracker() { live--; }
};
int Tracker::live = 0;

void exceptionsSection() {
    std::cout << "== exceptions\n";
    const char *inputs[] = {"42", "-3", "12x", "abc", "99999999999", "7"};
    int line = 0;
    for (const char *in : inputs) {
        line++;
        try {
            int v = parsePositive(in, line);
            std::cout << "parse " << in << " -> " << v << '\n';
        } catch (const ParseError &e) {
            std::cout << "parse " << in << " -> ParseError at line " << e.line << ": " << e.what() << '\n';
        } catch (const std::invalid_argument &e) {
            std::cout << "parse " << in << " -> std::invalid_argument (" << e.what() << ")\n";
        } catch (const std::out_of_range &e) {
            std::cout << "parse " << in << " -> std::out_of_range (" << e.what() << ")\n";
        }
    }
    // unwinding runs destructors
    try {
        Tracker a("a");
        std::vector<Tracker> v;
        v.emplace_back("b");
        std::vector<int>{1, 2, 3}.at(7);
    } catch (const std::out_of_range &) {
        std::cout << "vector::at threw std::out_of_range; live trackers after unwinding: " << Tracker::live << '\n';
    }
    // an exception thrown in a std::async task, rethrown by get() in this thread
    auto failing = std::async(std::launch::async, [] () -> int { throw ParseError("thrown in a worker thread", 99); });
    try {
        failing.get();
    } catch (const ParseError &e) {
        std::cout << "future.get() rethrew: " << e.what() << " (line " << e.line << ")\n";
    }
    // an exception_ptr carried out of a std::thread by hand
    std::exception_ptr carried;
    std::thread t([&] {
        try {
            throw std::logic_error("from std::thread");
        } catch (...) {
            carried = std::current_exception();
        }
    });
    t.join();
    try {
        if (carried) std::rethrow_exception(carried);
    } catch (const std::logic_error &e) {
        std::cout << "rethrow_exception: std::logic_error " << e.what() << '\n';
    }
    // a broken promise
    std::future<int> orphan;
    {
        std::promise<int> p;
        orphan = p.get_future();
    }
    try {
        orphan.get();
    } catch (const std::future_error &e) {
        std::cout << "future_error broken_promise: " << (e.code() == std::future_errc::broken_promise ? "yes" : "no")
                  << '\n';
    }
    // nested exceptions
    try {
        try {
            throw std::runtime_error("inner");
        } catch (...) {
            std::throw_with_nested(std::runtime_error("outer"));
        }
    } catch (const std::exception &e) {
        std::cout << "nested: " << e.what();
        try {
            std::rethrow_if_nested(e);
        } catch (const std::exception &inner) {
            std::cout << " <- " << inner.what();
        }
        std::cout << '\n';
    }
    // operator new failing: std::bad_alloc (glibc's malloc asks mmap, which says ENOMEM)
    try {
        std::size_t huge = std::size_t(1) << 62;
        char *p = new char[huge];
        p[0] = 1;
        std::cout << "new of 4 EiB succeeded?\n";
        delete[] p;
    } catch (const std::bad_alloc &) {
        std::cout << "new char[1 << 62] threw std::bad_alloc\n";
    }
    try {
        throw 42;
    } catch (int v) {
        std::cout << "caught int " << v << '\n';
    }
}

// ------------------------------------------------------------------ streams

void streamsSection() {
    std::cout << "== iostreams\n";
    const double pi = 3.14159265358979323846, big = 6.02214076e23, tiny = 1.602176634e-19;
    std::cout << "default " << pi << ' ' << big << ' ' << tiny << ' ' << 1.0 / 3 << ' ' << 100.0 << '\n';
    std::cout << std::fixed << "fixed " << pi << ' ' << std::setprecision(2) << big << ' ' << std::setprecision(12)
              << tiny << '\n';
    std::cout << std::scientific << std::setprecision(4) << "scientific " << pi << ' ' << big << ' ' << tiny << '\n';
    std::cout << std::hexfloat << "hexfloat " << pi << ' ' << big << ' ' << tiny << ' ' << -0.0 << ' '
              << std::numeric_limits<double>::denorm_min() << '\n';
    std::cout << std::defaultfloat << std::setprecision(17) << "precision 17 " << 0.1 << ' ' << 0.1f << ' ' << 1e23
              << std::setprecision(6) << '\n';
    std::cout << "specials " << std::numeric_limits<double>::infinity() << ' ' << -std::numeric_limits<double>::infinity()
              << ' ' << std::numeric_limits<double>::quiet_NaN() << ' ' << std::numeric_limits<double>::max() << ' '
              << std::numeric_limits<float>::min() << '\n';
    std::cout << "width [" << std::setw(10) << 42 << "] [" << std::left << std::setw(10) << 42 << "] [" << std::right
              << std::setfill('*') << std::setw(10) << -42 << "] [" << std::internal << std::setw(10) << -42 << ']'
              << std::setfill(' ') << '\n';
    std::cout << std::hex << std::showbase << "hex " << 255 << ' ' << std::uppercase << 48879 << std::nouppercase
              << std::oct << " oct " << 8 << std::dec << std::noshowbase << " dec " << 255 << '\n';
    std::cout << std::boolalpha << "bool " << true << ' ' << false << std::noboolalpha << ' ' << true << '\n';
    std::cout << std::showpos << "showpos " << 1 << ' ' << 0.5 << std::noshowpos << ' ' << std::showpoint << 2.0
              << std::noshowpoint << '\n';

    std::istringstream in("3.5 -17 hello 1e-310 2.5e400 tail");
    double d, sub;
    int i;
    std::string w;
    in >> d >> i >> w;
    std::cout << "istringstream read " << d << ", " << i << ", \"" << w << "\"";
    in >> sub;
    std::cout << ", subnormal " << sub << " (good " << in.good() << ')';
    double overflow = 0;
    in >> overflow;
    std::cout << ", overflow fails " << in.fail() << " value " << overflow << '\n';
    std::ostringstream out;
    out << std::setprecision(3) << std::fixed;
    for (int k = 1; k <= 5; k++) out << std::sqrt(double(k)) << (k < 5 ? "," : "");
    std::cout << "ostringstream \"" << out.str() << "\"\n";
    std::stringstream ss;
    ss << 12345678901234LL << ' ' << -1 << ' ' << 'c';
    long long ll;
    int neg;
    char c;
    ss >> ll >> neg >> c;
    std::cout << "stringstream round trip " << ll << ' ' << neg << ' ' << c << '\n';
    std::cerr << "gc_cpp: stderr through std::cerr\n";
    std::clog << "gc_cpp: and std::clog\n";
}

// ------------------------------------------------------------------- locale

void localeSection() {
    std::cout << "== locale\n";
    std::locale c("C");
    std::cout << "std::locale(\"C\").name() " << c.name() << ", classic " << std::locale::classic().name()
              << ", global " << std::locale().name() << '\n';
    std::locale::global(std::locale::classic());
    const auto &ct = std::use_facet<std::ctype<char>>(c);
    std::string s = "Hello, World 123";
    std::string up = s;
    ct.toupper(&up[0], &up[0] + up.size());
    int alpha = 0;
    for (char ch : s) alpha += std::isalpha(ch, c);
    std::cout << "toupper \"" << up << "\", alpha " << alpha << ", isdigit('7') " << std::isdigit('7', c) << '\n';
    const auto &coll = std::use_facet<std::collate<char>>(c);
    std::vector<std::string> words{"pear", "Apple", "apple", "banana", "Cherry", "_x", "10", "9"};
    std::sort(words.begin(), words.end(), [&](const std::string &a, const std::string &b) {
        return coll.compare(a.data(), a.data() + a.size(), b.data(), b.data() + b.size()) < 0;
    });
    std::cout << "collate order:";
    for (auto &w : words) std::cout << ' ' << w;
    std::cout << '\n';
    const auto &np = std::use_facet<std::numpunct<char>>(c);
    std::cout << "numpunct decimal '" << np.decimal_point() << "' grouping size " << np.grouping().size()
              << " truename " << np.truename() << '\n';
    try {
        std::locale bogus("xx_NOWHERE.bogus");
        std::cout << "bogus locale accepted: " << bogus.name() << '\n';
    } catch (const std::runtime_error &) {
        std::cout << "std::locale(\"xx_NOWHERE.bogus\") threw std::runtime_error\n";
    }
}

// -------------------------------------------------------------------- cmath

void show(const char *what, double x) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%-20s %-25.17g %a", what, x, x);
    std::cout << buf << '\n';
}

void cmathSection() {
    std::cout << "== <cmath>\n";
    volatile double a = 2.0, b = 0.75, n = -1.5;
    show("hypot(3,4)", std::hypot(3.0 * a / 2, 4.0));
    show("hypot(1,2,3)", std::hypot(1.0, a, 3.0));
    show("cbrt(-27)", std::cbrt(-27.0 * a / 2));
    show("erf(0.75)", std::erf(b));
    show("erfc(2)", std::erfc(a));
    show("tgamma(4.5)", std::tgamma(4.5 * a / 2));
    show("lgamma(-1.5)", std::lgamma(n));
    show("atan2(1,-2)", std::atan2(1.0, -a));
    show("asinh(2)", std::asinh(a));
    show("acosh(2)", std::acosh(a));
    show("atanh(0.75)", std::atanh(b));
    show("expm1(1e-10)", std::expm1(1e-10 * a / 2));
    show("log1p(-0.75)", std::log1p(-b));
    show("exp2(-1.5)", std::exp2(n));
    show("log10(2)", std::log10(a));
    show("fma(2,0.75,-1.5)", std::fma(a, b, n));
    show("remquo(7.5,2) rem", std::remainder(7.5 * a / 2, 2.0));
    show("fdim(2,0.75)", std::fdim(a, b));
    show("scalbn(0.75,-1070)", std::scalbn(b, -1070));
    show("nexttoward(0,1)", std::nexttoward(0.0 * a, 1.0L));
    show("sqrt(float 2)", double(std::sqrt(float(a))));
    show("pow(2,0.5)", std::pow(a, 0.5));
    show("pow(-8,1/3)", std::pow(-8.0, 1.0 / 3 * a / 2));
    double ip;
    double frac = std::modf(-1.5 * a / 2, &ip);
    std::cout << "modf(-1.5) " << frac << ' ' << ip << ", round(-2.5) " << std::round(-2.5 * a / 2) << ", lround(2.5) "
              << std::lround(2.5 * a / 2) << ", isnan(sqrt(-1.5)) " << std::isnan(std::sqrt(n)) << ", signbit(-0.0) "
              << std::signbit(-0.0 * a) << '\n';
    // a numeric kernel: 32-point DFT of a sampled signal, magnitudes of the first bins
    const int N = 32;
    std::vector<double> x(N);
    for (int k = 0; k < N; k++) x[k] = std::sin(2 * M_PI * 3 * k / N) + 0.5 * std::cos(2 * M_PI * 5 * k / N);
    std::cout << "DFT |X[0..7]|:";
    for (int f = 0; f < 8; f++) {
        double re = 0, im = 0;
        for (int k = 0; k < N; k++) re += x[k] * std::cos(2 * M_PI * f * k / N), im -= x[k] * std::sin(2 * M_PI * f * k / N);
        std::cout << ' ' << std::fixed << std::setprecision(6) << std::hypot(re, im) << std::defaultfloat;
    }
    std::cout << '\n';
}

// --------------------------------------------------------------- containers

void containersSection() {
    std::cout << "== containers\n";
    const std::string text = "the quick brown fox jumps over the lazy dog the fox barks and the dog runs over";
    std::map<std::string, int> ordered;
    std::unordered_map<std::string, int> hashed;
    std::istringstream words(text);
    for (std::string w; words >> w;) ordered[w]++, hashed[w]++;
    std::cout << "map:";
    for (const auto &[w, n] : ordered) std::cout << ' ' << w << '=' << n;
    std::cout << '\n';
    std::vector<std::pair<std::string, int>> fromHash(hashed.begin(), hashed.end());
    std::sort(fromHash.begin(), fromHash.end());
    std::cout << "unordered_map (sorted) equal to map: "
              << (std::vector<std::pair<std::string, int>>(ordered.begin(), ordered.end()) == fromHash ? "yes" : "no")
              << ", size " << hashed.size() << ", count(\"the\") " << hashed.count("the") << ", at(\"the\") "
              << hashed.at("the") << '\n';
    std::cout << "std::hash<std::string>(\"zeroos\") " << std::hash<std::string>{}("zeroos") << '\n';
    std::unordered_map<int, double> squares;
    for (int i = 0; i < 1000; i++) squares[i * 7919 % 1009] = std::sqrt(double(i));
    double total = 0;
    for (int k = 0; k < 1009; k++)
        if (auto it = squares.find(k); it != squares.end()) total += it->second;
    std::cout << "unordered_map<int,double> size " << squares.size() << " sum " << std::setprecision(17) << total
              << std::setprecision(6) << '\n';
    std::vector<double> v;
    for (int i = 0; i < 20; i++) v.push_back(std::sin(i * 1.7) * 100);
    std::sort(v.begin(), v.end());
    std::cout << "sorted sines: first " << v.front() << " last " << v.back() << " median " << (v[9] + v[10]) / 2
              << ", accumulate " << std::accumulate(v.begin(), v.end(), 0.0) << ", inner_product "
              << std::inner_product(v.begin(), v.end(), v.begin(), 0.0) << '\n';
    auto shared = std::make_shared<std::vector<int>>(5, 3);
    std::weak_ptr<std::vector<int>> weak = shared;
    auto copy = shared;
    std::cout << "shared_ptr use_count " << shared.use_count() << ", sum "
              << std::accumulate(shared->begin(), shared->end(), 0);
    shared.reset();
    copy.reset();
    std::cout << ", expired after reset " << weak.expired() << '\n';
}

// ------------------------------------------------------------------ strings

void stringsSection() {
    std::cout << "== strings\n";
    std::cout << "to_string " << std::to_string(3.14) << ' ' << std::to_string(-42) << ' ' << std::to_string(1e20)
              << ' ' << std::to_string(123456789012345ULL) << '\n';
    std::cout << "stod(\"2.5e-3\") " << std::stod("2.5e-3") << ", stoi(\"ff\", 16) " << std::stoi("ff", nullptr, 16)
              << ", stoll(\"-9000000000\") " << std::stoll("-9000000000") << ", stof(\"0.1\") "
              << std::setprecision(9) << std::stof("0.1") << std::setprecision(6) << '\n';
    std::string s = "Hello, glibc world";
    std::string r = s;
    r.replace(r.find("glibc"), 5, "RV64GC");
    std::reverse(r.begin(), r.end());
    std::string lower = s;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    std::cout << "find " << s.find("world") << " rfind " << s.rfind('l') << " substr \"" << s.substr(7, 5)
              << "\" replaced+reversed \"" << r << "\" lower \"" << lower << "\"\n";
    char buf[64];
    int len = std::snprintf(buf, sizeof buf, "%08.3f|%-6s|%+d|%x", 3.14159, "ab", 7, 3054);
    std::cout << "snprintf " << len << " \"" << buf << "\"\n";
    std::string joined;
    for (int i = 0; i < 5; i++) joined += (i ? "-" : "") + std::to_string(i * i);
    std::cout << "joined \"" << joined << "\", compare " << std::string("abc").compare("abd") << ", size "
              << std::string(1000, 'x').size() << '\n';
    std::u32string wide = U"h\u00e9llo";
    std::cout << "u32string length " << wide.size() << '\n';
}

} // namespace

int main(int argc, char **argv) {
    const std::vector<std::pair<std::string, std::function<void()>>> sections{
        {"threads", threadsSection}, {"exceptions", exceptionsSection}, {"streams", streamsSection},
        {"locale", localeSection},   {"cmath", cmathSection},           {"containers", containersSection},
        {"strings", stringsSection},
    };
    std::vector<std::string> wanted(argv + 1, argv + argc);
    for (const auto &w : wanted)
        if (std::none_of(sections.begin(), sections.end(), [&](const auto &s) { return s.first == w; })) {
            std::cerr << "gc_cpp: no section " << w << " (threads exceptions streams locale cmath containers strings)\n";
            return 64;
        }
    for (const auto &[name, run] : sections)
        if (wanted.empty() || std::find(wanted.begin(), wanted.end(), name) != wanted.end()) run();
    std::cout << "done" << std::endl;
    return 0;
}
