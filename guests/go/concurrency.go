package main

import (
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// cmdGoroutines: channels (buffered, unbuffered, closed), select, sync.WaitGroup,
// Mutex, Once, RWMutex, Cond and atomics, and a worker pool. Every line printed is
// the same whatever order the goroutines ran in.
func cmdGoroutines(args []string) int {
	// A pipeline over unbuffered channels: generate -> square -> sum.
	gen := make(chan int)
	sq := make(chan int)
	go func() {
		for i := 1; i <= 100; i++ {
			gen <- i
		}
		close(gen)
	}()
	go func() {
		for v := range gen {
			sq <- v * v
		}
		close(sq)
	}()
	total := 0
	for v := range sq {
		total += v
	}
	fmt.Printf("pipeline: sum of squares 1..100 = %d\n", total)

	// A worker pool: 8 workers, 200 jobs over a buffered channel, results by job id.
	jobs := make(chan int, 16)
	results := make(chan [2]int, 16)
	var wg sync.WaitGroup
	var perWorker [8]int64
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for j := range jobs {
				atomic.AddInt64(&perWorker[w], 1)
				results <- [2]int{j, collatzSteps(j)}
			}
		}(w)
	}
	go func() {
		for j := 1; j <= 200; j++ {
			jobs <- j
		}
		close(jobs)
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	steps := make([]int, 201)
	count := 0
	for r := range results {
		steps[r[0]] = r[1]
		count++
	}
	best, bestSteps := 0, -1
	for j := 1; j <= 200; j++ {
		if steps[j] > bestSteps {
			best, bestSteps = j, steps[j]
		}
	}
	var done int64
	for i := range perWorker {
		done += atomic.LoadInt64(&perWorker[i])
	}
	fmt.Printf("worker pool: %d results, %d jobs done, longest Collatz chain below 201 starts at %d (%d steps)\n", count, done, best, bestSteps)

	// Mutex and Once: 50 goroutines bump a shared map; one initialiser runs once.
	var mu sync.Mutex
	var once sync.Once
	inits := 0
	counts := map[string]int{}
	var wg2 sync.WaitGroup
	for g := 0; g < 50; g++ {
		wg2.Add(1)
		go func(g int) {
			defer wg2.Done()
			once.Do(func() { inits++ })
			for i := 0; i < 20; i++ {
				mu.Lock()
				counts[fmt.Sprintf("k%d", (g+i)%5)]++
				mu.Unlock()
			}
		}(g)
	}
	wg2.Wait()
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Printf("mutex: once ran %d time(s);", inits)
	for _, k := range keys {
		fmt.Printf(" %s=%d", k, counts[k])
	}
	fmt.Println()

	// RWMutex readers and a writer, and a Cond hand-off.
	var rw sync.RWMutex
	shared := 0
	var readers sync.WaitGroup
	var readSum int64
	for r := 0; r < 4; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for i := 0; i < 100; i++ {
				rw.RLock()
				atomic.AddInt64(&readSum, int64(shared-shared+1))
				rw.RUnlock()
			}
		}()
	}
	for i := 0; i < 100; i++ {
		rw.Lock()
		shared++
		rw.Unlock()
	}
	readers.Wait()
	fmt.Printf("rwmutex: writer reached %d, readers read %d times\n", shared, readSum)

	var cmu sync.Mutex
	cond := sync.NewCond(&cmu)
	ready := false
	got := make(chan string)
	go func() {
		cmu.Lock()
		for !ready {
			cond.Wait()
		}
		cmu.Unlock()
		got <- "woken"
	}()
	cmu.Lock()
	ready = true
	cond.Broadcast()
	cmu.Unlock()
	fmt.Printf("cond: %s\n", <-got)

	// select over several ready channels: which case runs is random, the totals are not.
	a := make(chan int, 50)
	b := make(chan int, 50)
	for i := 0; i < 50; i++ {
		a <- 1
		b <- 2
	}
	close(a)
	close(b)
	sum, closed := 0, 0
	for closed < 2 {
		select {
		case v, ok := <-a:
			if !ok {
				a = nil
				closed++
				continue
			}
			sum += v
		case v, ok := <-b:
			if !ok {
				b = nil
				closed++
				continue
			}
			sum += v
		}
	}
	fmt.Printf("select: drained both channels, sum %d\n", sum)

	// select with a default case and a closed channel.
	empty := make(chan int)
	select {
	case <-empty:
		fmt.Println("select default: WRONG")
	default:
		fmt.Println("select default: nothing ready")
	}

	// Ping-pong between two goroutines, 1000 round trips.
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for i := 0; i < 1000; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	<-pong
	fmt.Printf("ping-pong: %d\n", v)
	return 0
}

func collatzSteps(n int) int {
	steps := 0
	for n != 1 {
		if n%2 == 0 {
			n /= 2
		} else {
			n = 3*n + 1
		}
		steps++
	}
	return steps
}

// cmdSleep: time.Sleep, time.After, time.AfterFunc, time.Timer and time.Ticker. Only
// facts that hold on any machine are printed: lower bounds on elapsed time and the order
// timers fired in.
func cmdSleep(args []string) int {
	start := time.Now()
	time.Sleep(10 * time.Millisecond)
	elapsed := time.Since(start)
	fmt.Printf("slept >= 10ms: %v\n", elapsed >= 10*time.Millisecond)

	// Timers fire in deadline order, whatever order they were made in.
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for _, ms := range []int{40, 10, 30, 20} {
		wg.Add(1)
		ms := ms
		time.AfterFunc(time.Duration(ms)*time.Millisecond, func() {
			mu.Lock()
			order = append(order, ms)
			mu.Unlock()
			wg.Done()
		})
	}
	wg.Wait()
	fmt.Printf("AfterFunc order: %v\n", order)

	// time.After wins a select against a channel nobody sends on.
	never := make(chan int)
	select {
	case <-never:
		fmt.Println("time.After: WRONG")
	case <-time.After(5 * time.Millisecond):
		fmt.Println("time.After: fired")
	}

	// A stopped timer never fires; a reset one fires once.
	stopped := time.NewTimer(time.Hour)
	fmt.Printf("Stop on a pending timer: %v\n", stopped.Stop())
	reset := time.NewTimer(time.Hour)
	t0 := time.Now()
	reset.Reset(5 * time.Millisecond)
	<-reset.C
	fmt.Printf("reset timer fired after >= 5ms: %v\n", time.Since(t0) >= 5*time.Millisecond)

	// A ticker: five ticks, each at least one period after the start.
	ticker := time.NewTicker(3 * time.Millisecond)
	t1 := time.Now()
	ticks := 0
	for range ticker.C {
		ticks++
		if ticks == 5 {
			break
		}
	}
	ticker.Stop()
	fmt.Printf("ticker: %d ticks, >= 15ms: %v\n", ticks, time.Since(t1) >= 15*time.Millisecond)

	// Sleeping goroutines wake in deadline order.
	wake := make(chan int, 3)
	for _, ms := range []int{15, 5, 10} {
		go func(ms int) {
			time.Sleep(time.Duration(ms) * time.Millisecond)
			wake <- ms
		}(ms)
	}
	fmt.Printf("goroutines woke: %d %d %d\n", <-wake, <-wake, <-wake)

	// The monotonic clock never goes back; the wall clock is after 2001.
	a := time.Now()
	b := time.Now()
	fmt.Printf("monotonic: %v, wall clock after 2001: %v\n", !b.Before(a), a.Year() > 2001)
	return 0
}

// cmdDeadlock: every goroutine blocks, so Go's runtime ends the program with
// "fatal error: all goroutines are asleep - deadlock!" (exit 2).
func cmdDeadlock(args []string) int {
	fmt.Println("deadlock: main waits on a channel nobody sends on")
	var mu sync.Mutex
	mu.Lock()
	go func() {
		mu.Lock() // never succeeds
	}()
	ch := make(chan int)
	<-ch
	return 0
}
