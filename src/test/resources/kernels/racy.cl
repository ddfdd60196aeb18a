/* A deliberate data race, for the test that proves the simulator's race checks work (test resources
 * only): every work-item writes its own id to the same element, with nothing ordering the writes.
 * Launch: 1-D, any size above one work-item. */
__kernel void racy(__global float* out, const int outOff)
{
    out[outOff] = (float)get_global_id(0);
}
