/*
 * gemm-kernel-probe: builds kernels/gemm.cl (or a variant of it) with given defines on the first
 * OpenCL device and times one shape the way `latentcl bench gemm` does (calls queued back to back
 * for about 20 ms, one clFinish; the best of 7 samples), optionally checking the result against a
 * plain C product. For trying kernel changes without rebuilding the jar; not part of the product.
 *
 *   gcc -O2 -o target/gemm-kernel-probe tools/gemm-kernel-probe.c -lOpenCL
 *   target/gemm-kernel-probe FILE.cl "EXTRA DEFINES" TM TN LX LY M N K NN|NT|TN|TT [check]
 *
 * TM and TN become -DTM and -DTN and set the launch grid, LX x LY is the work-group. Run it from the
 * repository root, which holds kernels/common.cl (prepended to FILE.cl as the product does).
 */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
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

static char* slurp(const char* path)
{
    FILE* f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char* text = malloc(n + 1);
    if (fread(text, 1, n, f) != (size_t)n) {
        perror(path);
        exit(1);
    }
    text[n] = 0;
    fclose(f);
    return text;
}

static void check(cl_int err, const char* what)
{
    if (err != CL_SUCCESS) {
        fprintf(stderr, "gemm-kernel-probe: %s failed (%d)\n", what, err);
        exit(1);
    }
}

static float* random_matrix(size_t n)
{
    float* m = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++) {
        m[i] = rand() / (float)RAND_MAX - 0.5f;
    }
    return m;
}

int main(int argc, char** argv)
{
    if (argc < 11 || strlen(argv[10]) != 2) {
        fprintf(stderr, "usage: gemm-kernel-probe FILE.cl DEFINES TM TN LX LY M N K NN|NT|TN|TT [check]\n");
        return 2;
    }
    const char* file = argv[1];
    const char* defines = argv[2];
    const int tm = atoi(argv[3]), tn = atoi(argv[4]);
    const size_t lx = atol(argv[5]), ly = atol(argv[6]);
    int m = atoi(argv[7]), n = atoi(argv[8]), k = atoi(argv[9]);
    const int ta = argv[10][0] == 'T', tb = argv[10][1] == 'T';
    const int verify = argc > 11;

    cl_platform_id platform;
    cl_device_id device;
    cl_int err;
    check(clGetPlatformIDs(1, &platform, NULL), "clGetPlatformIDs");
    check(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, NULL), "clGetDeviceIDs");
    cl_context ctx = clCreateContext(NULL, 1, &device, NULL, NULL, &err);
    check(err, "clCreateContext");
    cl_command_queue queue = clCreateCommandQueue(ctx, device, 0, &err);
    check(err, "clCreateCommandQueue");

    char* common = slurp("kernels/common.cl");
    char* body = slurp(file);
    char* source = malloc(strlen(common) + strlen(body) + 2);
    sprintf(source, "%s\n%s", common, body);
    const char* sources[] = {source};
    cl_program program = clCreateProgramWithSource(ctx, 1, sources, NULL, &err);
    check(err, "clCreateProgramWithSource");
    char options[512];
    snprintf(options, sizeof options, "-cl-std=CL1.2 -DTRANS_A=%d -DTRANS_B=%d -DTM=%d -DTN=%d %s", ta, tb, tm, tn, defines);
    if (clBuildProgram(program, 1, &device, options, NULL, NULL) != CL_SUCCESS) {
        char log[20000];
        clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, sizeof log, log, NULL);
        fprintf(stderr, "%s\n", log);
        return 1;
    }
    cl_kernel kernel = clCreateKernel(program, "gemm", &err);
    check(err, "clCreateKernel");

    const size_t na = (size_t)m * k, nb = (size_t)k * n, nc = (size_t)m * n;
    srand(1);
    float* a = random_matrix(na);
    float* b = random_matrix(nb);
    float* c = malloc(nc * sizeof(float));
    cl_mem da = clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, na * sizeof(float), a, &err);
    check(err, "clCreateBuffer(A)");
    cl_mem db = clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, nb * sizeof(float), b, &err);
    check(err, "clCreateBuffer(B)");
    cl_mem dc = clCreateBuffer(ctx, CL_MEM_READ_WRITE, nc * sizeof(float), NULL, &err);
    check(err, "clCreateBuffer(C)");

    /* The product's argument list: C = A B, alpha 1, beta 0, no bias, identity, no sums, no gate. */
    const int zero = 0;
    const float one_f = 1.0f, zero_f = 0.0f;
    int arg = 0;
    check(clSetKernelArg(kernel, arg++, sizeof(int), &m), "M");
    check(clSetKernelArg(kernel, arg++, sizeof(int), &n), "N");
    check(clSetKernelArg(kernel, arg++, sizeof(int), &k), "K");
    check(clSetKernelArg(kernel, arg++, sizeof(float), &one_f), "alpha");
    check(clSetKernelArg(kernel, arg++, sizeof(cl_mem), &da), "a");
    check(clSetKernelArg(kernel, arg++, sizeof(int), &zero), "aOff");
    check(clSetKernelArg(kernel, arg++, sizeof(cl_mem), &db), "b");
    check(clSetKernelArg(kernel, arg++, sizeof(int), &zero), "bOff");
    check(clSetKernelArg(kernel, arg++, sizeof(float), &zero_f), "beta");
    check(clSetKernelArg(kernel, arg++, sizeof(cl_mem), &dc), "c");
    check(clSetKernelArg(kernel, arg++, sizeof(int), &zero), "cOff");
    check(clSetKernelArg(kernel, arg++, sizeof(cl_mem), &dc), "bias");
    check(clSetKernelArg(kernel, arg++, sizeof(int), &zero), "biasOff");
    check(clSetKernelArg(kernel, arg++, sizeof(int), &zero), "has_bias");
    check(clSetKernelArg(kernel, arg++, sizeof(int), &zero), "act");
    check(clSetKernelArg(kernel, arg++, sizeof(float), &zero_f), "slope");
    check(clSetKernelArg(kernel, arg++, sizeof(cl_mem), &dc), "sums");
    check(clSetKernelArg(kernel, arg++, sizeof(int), &zero), "sumsOff");
    check(clSetKernelArg(kernel, arg++, sizeof(int), &zero), "has_sums");
    check(clSetKernelArg(kernel, arg++, sizeof(cl_mem), &dc), "gate");
    check(clSetKernelArg(kernel, arg++, sizeof(int), &zero), "gateOff");
    check(clSetKernelArg(kernel, arg++, sizeof(int), &zero), "has_gate");
    check(clSetKernelArg(kernel, arg++, sizeof(int), &zero), "gate_act");
    check(clSetKernelArg(kernel, arg++, sizeof(float), &zero_f), "gate_slope");

    size_t global[2] = {(n + tn - 1) / tn, (m + tm - 1) / tm};
    global[0] = (global[0] + lx - 1) / lx * lx;
    global[1] = (global[1] + ly - 1) / ly * ly;
    const size_t local[2] = {lx, ly};
    for (int i = 0; i < 3; i++) {
        check(clEnqueueNDRangeKernel(queue, kernel, 2, NULL, global, local, 0, NULL, NULL), "warm-up launch");
    }
    check(clFinish(queue), "clFinish");
    double t0 = now();
    check(clEnqueueNDRangeKernel(queue, kernel, 2, NULL, global, local, 0, NULL, NULL), "launch");
    check(clFinish(queue), "clFinish");
    int inner = (int)(0.02 / (now() - t0));
    inner = inner < 1 ? 1 : inner > 500 ? 500 : inner;
    double best = 1e30;
    for (int sample = 0; sample < 7; sample++) {
        t0 = now();
        for (int i = 0; i < inner; i++) {
            check(clEnqueueNDRangeKernel(queue, kernel, 2, NULL, global, local, 0, NULL, NULL), "launch");
        }
        check(clFinish(queue), "clFinish");
        double t = (now() - t0) / inner;
        best = t < best ? t : best;
    }
    printf("%s %dx%dx%d %s TM=%d TN=%d local=%zux%zu: %.1f GFLOP/s", file, m, n, k, argv[10], tm, tn, lx, ly,
           2.0 * m * n * k / best / 1e9);

    if (verify) {
        check(clEnqueueReadBuffer(queue, dc, CL_TRUE, 0, nc * sizeof(float), c, 0, NULL, NULL), "clEnqueueReadBuffer");
        double worst = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    float x = ta ? a[(size_t)p * m + i] : a[(size_t)i * k + p];
                    float y = tb ? b[(size_t)j * k + p] : b[(size_t)p * n + j];
                    sum += x * y;
                }
                double diff = sum - c[(size_t)i * n + j];
                diff = diff < 0 ? -diff : diff;
                worst = diff > worst ? diff : worst;
            }
        }
        printf(" max |difference| %.2e", worst);
    }
    printf("\n");
    return 0;
}
