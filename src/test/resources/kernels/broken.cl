/* A kernel that cannot build: used to test the build-failure message. */
__kernel void broken(__global float* x)
{
    x[0] = undefined_symbol_here;
}
