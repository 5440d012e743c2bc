package main

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// cmdCPU: CPU-bound work split over goroutines with GOMAXPROCS(4): a prime count by
// trial division and a floating-point Mandelbrot set, each in row/range chunks that
// goroutines take from a channel. The goroutines never block while computing, so
// the run needs preemption to let the scheduler, sysmon and the collector in. The
// results do not depend on the interleaving.
func cmdCPU(args []string) int {
	prev := runtime.GOMAXPROCS(4)
	fmt.Printf("GOMAXPROCS: %d (was >= 1: %v)\n", runtime.GOMAXPROCS(0), prev >= 1)

	const limit = 60000
	const chunk = 5000
	ranges := make(chan int, limit/chunk)
	for lo := 0; lo < limit; lo += chunk {
		ranges <- lo
	}
	close(ranges)
	var primes, goroutinesUsed int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local, used := int64(0), int64(0)
			for lo := range ranges {
				used = 1
				for n := lo; n < lo+chunk; n++ {
					if isPrime(n) {
						local++
					}
				}
			}
			mu.Lock()
			primes += local
			goroutinesUsed += used
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Printf("primes below %d: %d\n", limit, primes)

	// Mandelbrot: 64x32 over [-2,1]x[-1,1], up to 200 iterations, in float64.
	const w, h, maxIter = 64, 32, 200
	rows := make(chan int, h)
	for y := 0; y < h; y++ {
		rows <- y
	}
	close(rows)
	image := make([][]int, h)
	var wg2 sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			for y := range rows {
				line := make([]int, w)
				for x := 0; x < w; x++ {
					cr := -2 + 3*float64(x)/w
					ci := -1 + 2*float64(y)/h
					zr, zi := 0.0, 0.0
					n := 0
					for ; n < maxIter && zr*zr+zi*zi <= 4; n++ {
						zr, zi = zr*zr-zi*zi+cr, 2*zr*zi+ci
					}
					line[x] = n
				}
				image[y] = line
			}
		}()
	}
	wg2.Wait()
	inside, total := 0, 0
	hash := uint64(14695981039346656037)
	for y := 0; y < h; y++ {
		row := make([]byte, w)
		for x, n := range image[y] {
			total += n
			if n == maxIter {
				inside++
			}
			hash = (hash ^ uint64(n)) * 1099511628211
			row[x] = " .:-=+*#%@"[n*9/maxIter]
		}
		if y%4 == 0 {
			fmt.Printf("|%s|\n", row)
		}
	}
	fmt.Printf("mandelbrot: %d of %d points inside, %d iterations, fnv %016x\n", inside, w*h, total, hash)

	// A float reduction whose result depends on every rounding step.
	sum := 0.0
	for i := 1; i <= 100000; i++ {
		sum += math.Sin(float64(i)) / float64(i)
	}
	fmt.Printf("sum sin(i)/i, i=1..100000: %.17g\n", sum)
	return 0
}

func isPrime(n int) bool {
	if n < 2 {
		return false
	}
	if n%2 == 0 {
		return n == 2
	}
	for d := 3; d*d <= n; d += 2 {
		if n%d == 0 {
			return false
		}
	}
	return true
}

type step struct {
	name  string
	items []int
}

// cmdPanic: an index out of range three calls deep: Go prints "panic: runtime error:
// index out of range [7] with length 3", the goroutine's trace, and exits 2.
func cmdPanic(args []string) int {
	fmt.Println("panic: about to index past the end of a slice")
	s := step{name: "demo", items: []int{1, 2, 3}}
	fmt.Println(s.at(len(args) + 7))
	return 0
}

//go:noinline
func (s *step) at(i int) int {
	return s.items[i] * 2
}
