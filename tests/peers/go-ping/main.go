// go-ping is the tests' real Go profile source: a tiny HTTP server with the
// article's /ping handler and Go's own net/http/pprof endpoints, standard
// library only. It binds 127.0.0.1 (port 0 by default: the kernel picks),
// prints "listening on HOST:PORT" once ready, keeps itself busy so every
// profile kind has samples (CPU work, allocations, mutex contention, channel
// blocking), and exits on its own after -lifetime so a test that dies cannot
// leave it running.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

var sink []byte

func ping(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, "pong")
}

// work burns CPU in a few distinct functions so the CPU profile has stacks.
func work(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += hash(i)
	}
	return s
}

func hash(i int) int {
	return (i * 2654435761) ^ (i >> 3)
}

func allocate() {
	b := make([]byte, 64<<10)
	sink = append(b[:0], strings.Repeat("x", 1024)...)
}

func busy(stop <-chan struct{}) {
	var mu sync.Mutex
	ch := make(chan int)
	for g := 0; g < 4; g++ {
		go func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				work(20000)
				allocate()
				mu.Unlock()
				select {
				case ch <- 1:
				case <-time.After(time.Millisecond):
				}
			}
		}()
	}
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-ch:
			}
		}
	}()
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (loopback only)")
	lifetime := flag.Duration("lifetime", 60*time.Second, "exit after this long")
	flag.Parse()
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || (host != "127.0.0.1" && host != "localhost") {
		log.Fatalf("go-ping binds loopback only, not %q", *addr)
	}
	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/ping", ping)
	stop := make(chan struct{})
	busy(stop)
	time.AfterFunc(*lifetime, func() {
		fmt.Fprintln(os.Stderr, "go-ping: lifetime over, exiting")
		os.Exit(0)
	})
	fmt.Printf("listening on %s\n", ln.Addr())
	os.Stdout.Sync()
	log.Fatal(http.Serve(ln, nil))
}
