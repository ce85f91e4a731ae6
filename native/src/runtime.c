/* runtime.c - ABI version and OpenBLAS threading/configuration. */
#include "pg_internal.h"

#include <cblas.h>
#include <pthread.h>
#include <stdio.h>

/* 2: cross-entropy keeps (max, log-sum) per row, optimizer hyper-parameters are double. */
int pg_runtime_version(void) {
    return 2;
}

void pg_runtime_set_threads(int threads) {
    openblas_set_num_threads(threads);
}

int pg_runtime_threads(void) {
    return openblas_get_num_threads();
}

static char blas_info[512];
static pthread_once_t blas_info_once = PTHREAD_ONCE_INIT;

static void blas_info_init(void) {
    snprintf(blas_info, sizeof blas_info, "%s %s", openblas_get_config(), openblas_get_corename());
}

/* Built once: Java may call this from several threads, and the string does not change. */
const char *pg_runtime_blas_info(void) {
    pthread_once(&blas_info_once, blas_info_init);
    return blas_info;
}
