// cxx.cpp - a C++ test program: templates, a namespace, and a helper that
// is always inlined, so the profile must show demangled names and inline
// frames. Two worker threads split their time between
// fk::Matrix<double>::multiply and fk::Vector<unsigned int>::scale (picked
// at random 60/40), each measured (truth.h) under its demangled name.
//
//   cxx [-t SECONDS] [-truth FILE]
#include "truth.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <pthread.h>
#include <unistd.h>

namespace fk
{

template <typename T> __attribute__((always_inline)) inline T step(T x)
{
    return x * static_cast<T>(3) + static_cast<T>(1);
}

template <typename T> struct Matrix {
    __attribute__((noinline)) static T multiply(T seed, unsigned long n)
    {
        T x = seed;
        for (unsigned long i = 0; i < n; i++) {
            x = step<T>(x);
            __asm__ volatile("" : "+m"(x));
        }
        return x;
    }
};

template <typename T> struct Vector {
    __attribute__((noinline)) static T scale(T seed, unsigned long n)
    {
        T x = seed;
        for (unsigned long i = 0; i < n; i++) {
            x = step<T>(x);
            __asm__ volatile("" : "+m"(x));
        }
        return x;
    }
};

} // namespace fk

static thread_local volatile double sink; // per thread: no data race
static std::atomic<int> stop_flag;
static int id_matrix, id_vector;

struct MatrixOp {
    static double run(double x, unsigned long n)
    {
        return fk::Matrix<double>::multiply(x, n);
    }
};
struct VectorOp {
    static unsigned run(unsigned x, unsigned long n)
    {
        return fk::Vector<unsigned>::scale(x, n);
    }
};

template <typename K, typename T> static void measured(unsigned long n, int id)
{
    uint64_t t0 = truth_thread_ns();
    sink = static_cast<double>(K::run(static_cast<T>(1), n));
    truth_add(id, truth_thread_ns() - t0);
}

extern "C" void *cxx_worker(void *);
extern "C" void *cxx_worker(void *)
{
    uint64_t r = 0x9e3779b97f4a7c15ull;
    while (!stop_flag.load()) { /* random order: no aliasing with the tick */
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        unsigned long n = 50000 * (1 + (r >> 8) % 4);
        if (r % 10 < 6)
            measured<MatrixOp, double>(n, id_matrix);
        else
            measured<VectorOp, unsigned>(n, id_vector);
    }
    return nullptr;
}

int main(int argc, char **argv)
{
    double seconds = 60;
    const char *truth = nullptr;
    for (int i = 1; i < argc; i++) {
        if (std::strcmp(argv[i], "-t") == 0 && i + 1 < argc)
            seconds = std::atof(argv[++i]);
        else if (std::strcmp(argv[i], "-truth") == 0 && i + 1 < argc)
            truth = argv[++i];
    }
    id_matrix = truth_add_name("fk::Matrix<double>::multiply(double, unsigned long)");
    id_vector = truth_add_name("fk::Vector<unsigned int>::scale(unsigned int, unsigned long)");
    pthread_t th[2];
    for (auto &t : th)
        pthread_create(&t, nullptr, cxx_worker, nullptr);
    for (double waited = 0; waited < seconds; waited += 0.2) {
        usleep(200000);
        truth_write(truth);
    }
    stop_flag.store(true);
    for (auto &t : th)
        pthread_join(t, nullptr);
    truth_write(truth);
    return 0;
}
