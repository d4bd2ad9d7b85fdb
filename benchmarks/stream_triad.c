/* STREAM-triad-like memory bandwidth probe for the ness benchmarks (benchmarks/run.py builds and runs it).

   Every MPI rank allocates three arrays of n doubles (first touched by the rank that uses them), then times
   `ntimes` repetitions of the triad a[i] = b[i] + s * c[i] between barriers. As in McCalpin's STREAM, each
   repetition is counted as 24 bytes per element (two reads, one write; the write-allocate read of a[] is not
   counted), and the best repetition is reported. Also times copy (a[i] = b[i], 16 bytes per element).

   Output: one JSON object on stdout (rank 0), e.g.
     {"ranks": 2, "n_per_rank": 20000000, "ntimes": 10, "triad_GBps": 21.3, "triad_GBps_per_rank": 10.6, ...}

   Build: mpicc -O2 -o stream_triad stream_triad.c
   Run:   mpirun -n P ./stream_triad [n_per_rank] [ntimes]                                          */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
  long    n      = 20000000; /* 160 MB per array: far beyond any cache */
  int     ntimes = 10, rank, size;
  double *a, *b, *c, s = 3.0, best_triad = 1e300, best_copy = 1e300, check = 0.0, gcheck;

  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc > 1) n = atol(argv[1]);
  if (argc > 2) ntimes = atoi(argv[2]);
  if (n < 1000 || ntimes < 2) {
    if (!rank) fprintf(stderr, "usage: stream_triad [n_per_rank >= 1000] [ntimes >= 2]\n");
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  a = malloc(n * sizeof(double));
  b = malloc(n * sizeof(double));
  c = malloc(n * sizeof(double));
  if (!a || !b || !c) {
    fprintf(stderr, "stream_triad: cannot allocate 3 x %ld doubles\n", n);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  for (long i = 0; i < n; i++) {
    a[i] = 1.0;
    b[i] = 2.0;
    c[i] = 0.5;
  }
  for (int k = 0; k < ntimes; k++) {
    double t0, t1, dt;
    MPI_Barrier(MPI_COMM_WORLD);
    t0 = MPI_Wtime();
    for (long i = 0; i < n; i++) a[i] = b[i] + s * c[i];
    MPI_Barrier(MPI_COMM_WORLD);
    t1 = MPI_Wtime();
    dt = t1 - t0;
    if (k > 0 && dt < best_triad) best_triad = dt; /* the first repetition warms up */
    MPI_Barrier(MPI_COMM_WORLD);
    t0 = MPI_Wtime();
    for (long i = 0; i < n; i++) c[i] = a[i];
    MPI_Barrier(MPI_COMM_WORLD);
    t1 = MPI_Wtime();
    dt = t1 - t0;
    if (k > 0 && dt < best_copy) best_copy = dt;
    for (long i = 0; i < n; i++) c[i] = 0.5; /* restore c so that every triad sees the same data */
  }
  for (long i = 0; i < n; i += 4096) check += a[i];
  MPI_Reduce(&check, &gcheck, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  if (!rank) {
    const double bt = 24.0 * (double)n * size / best_triad / 1e9, bc = 16.0 * (double)n * size / best_copy / 1e9;
    printf("{\"ranks\": %d, \"n_per_rank\": %ld, \"ntimes\": %d, \"triad_s\": %.6e, \"triad_GBps\": %.4f, "
           "\"triad_GBps_per_rank\": %.4f, \"copy_s\": %.6e, \"copy_GBps\": %.4f, \"check\": %.6e}\n",
           size, n, ntimes, best_triad, bt, bt / size, best_copy, bc, gcheck);
  }
  free(a);
  free(b);
  free(c);
  MPI_Finalize();
  return 0;
}
