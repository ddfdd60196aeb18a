/*
 * clblast-gemm: times CLBlast's SGEMM (row-major) on one OpenCL device, the way
 * `latentcl bench gemm` times LatentCL's: 3 warm-up calls, then samples of calls queued back to
 * back for about 20 ms with one clFinish each; prints one JSON line with the median and best
 * GFLOP/s. For comparisons only (tools/bench.sh); LatentCL does not use CLBlast.
 *
 *   gcc -O2 -o target/clblast-gemm tools/clblast-gemm.c -lclblast -lOpenCL
 *   target/clblast-gemm M N K NN|NT|TN|TT [SAMPLES [DEVICE]]
 *
 * DEVICE is LatentCL's cl:N number, N (default 0): devices counted over every platform in the ICD
 * loader's order, as `latentcl devices` lists them, so that both measure the same device (tools/bench.sh
 * passes the one `--device auto` picks: with Oclgrind registered, the first device is the simulator).
 */
#define CL_TARGET_OPENCL_VERSION 120
#include <clblast_c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void* a, const void* b)
{
    double x = *(const double*)a, y = *(const double*)b;
    return x < y ? -1 : x > y;
}

static void check(cl_int err, const char* what)
{
    if (err != CL_SUCCESS) {
        fprintf(stderr, "clblast-gemm: %s failed (%d)\n", what, err);
        exit(1);
    }
}

int main(int argc, char** argv)
{
    if (argc < 5 || strlen(argv[4]) != 2) {
        fprintf(stderr, "usage: clblast-gemm M N K NN|NT|TN|TT [SAMPLES [DEVICE]]\n");
        return 2;
    }
    const size_t m = atol(argv[1]), n = atol(argv[2]), k = atol(argv[3]);
    const int ta = argv[4][0] == 'T', tb = argv[4][1] == 'T';
    const int samples = argc > 5 ? atoi(argv[5]) : 10;
    const int wanted = argc > 6 ? atoi(argv[6]) : 0;
    cl_platform_id platforms[16];
    cl_uint platformCount = 0;
    cl_device_id device = NULL;
    cl_int err;
    check(clGetPlatformIDs(16, platforms, &platformCount), "clGetPlatformIDs");
    int seen = 0;
    for (cl_uint p = 0; p < platformCount && device == NULL; p++) {
        cl_device_id ids[16];
        cl_uint count = 0;
        if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 16, ids, &count) != CL_SUCCESS) {
            continue;
        }
        if (wanted < seen + (int)count) {
            device = ids[wanted - seen];
        }
        seen += count;
    }
    if (device == NULL) {
        fprintf(stderr, "clblast-gemm: no OpenCL device cl:%d (%d found)\n", wanted, seen);
        return 2;
    }
    char deviceName[256] = "";
    clGetDeviceInfo(device, CL_DEVICE_NAME, sizeof deviceName - 1, deviceName, NULL);
    cl_context ctx = clCreateContext(NULL, 1, &device, NULL, NULL, &err);
    check(err, "clCreateContext");
    cl_command_queue queue = clCreateCommandQueue(ctx, device, 0, &err);
    check(err, "clCreateCommandQueue");

    float* host = malloc(sizeof(float) * (m * k > k * n ? (m * k > m * n ? m * k : m * n) : (k * n > m * n ? k * n : m * n)));
    size_t biggest = m * k > k * n ? m * k : k * n;
    for (size_t i = 0; i < biggest; i++) {
        host[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
    }
    cl_mem a = clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof(float) * m * k, host, &err);
    check(err, "clCreateBuffer A");
    cl_mem b = clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof(float) * k * n, host, &err);
    check(err, "clCreateBuffer B");
    cl_mem c = clCreateBuffer(ctx, CL_MEM_READ_WRITE, sizeof(float) * m * n, NULL, &err);
    check(err, "clCreateBuffer C");
    /* Row-major leading dimensions of the stored matrices. */
    const size_t lda = ta ? m : k, ldb = tb ? k : n, ldc = n;
    const CLBlastTranspose tA = ta ? CLBlastTransposeYes : CLBlastTransposeNo;
    const CLBlastTranspose tB = tb ? CLBlastTransposeYes : CLBlastTransposeNo;

    for (int i = 0; i < 3; i++) {
        CLBlastStatusCode s = CLBlastSgemm(CLBlastLayoutRowMajor, tA, tB, m, n, k, 1.0f, a, 0, lda, b, 0, ldb, 0.0f, c, 0, ldc,
                                           &queue, NULL);
        if (s != CLBlastSuccess) {
            fprintf(stderr, "clblast-gemm: CLBlastSgemm failed (%d)\n", s);
            return 1;
        }
    }
    check(clFinish(queue), "clFinish");
    double one = now();
    CLBlastSgemm(CLBlastLayoutRowMajor, tA, tB, m, n, k, 1.0f, a, 0, lda, b, 0, ldb, 0.0f, c, 0, ldc, &queue, NULL);
    clFinish(queue);
    one = now() - one;
    int calls = one > 0.02 ? 1 : (int)(0.02 / (one > 1e-6 ? one : 1e-6)) + 1;

    double* per = malloc(sizeof(double) * samples);
    for (int s = 0; s < samples; s++) {
        double t0 = now();
        for (int i = 0; i < calls; i++) {
            CLBlastSgemm(CLBlastLayoutRowMajor, tA, tB, m, n, k, 1.0f, a, 0, lda, b, 0, ldb, 0.0f, c, 0, ldc, &queue, NULL);
        }
        check(clFinish(queue), "clFinish");
        per[s] = (now() - t0) / calls;
    }
    qsort(per, samples, sizeof(double), cmp);
    const double flops = 2.0 * m * n * k;
    printf("{\"op\":\"clblast_sgemm\",\"device\":\"cl:%d %s\",\"m\":%zu,\"n\":%zu,\"k\":%zu,\"trans\":\"%s\",\"median_ms\":%.4f,"
           "\"min_ms\":%.4f,\"gflops\":%.2f,\"best_gflops\":%.2f}\n",
           wanted, deviceName, m, n, k, argv[4], per[samples / 2] * 1e3, per[0] * 1e3, flops / per[samples / 2] / 1e9,
           flops / per[0] / 1e9);
    return 0;
}
