/**
 * The operations, one module per operation or kernel family. A module holds the operation's shape
 * checks, its plain Java reference (written as the math, on the reference backend), the typed
 * binding of its OpenCL kernels ({@link org.latentcl.backend.KernelBinding}), its fast Java path
 * where one pays (Vector API, chunks on a thread pool), its {@link org.latentcl.backend.ops.OpSpec}
 * and self-test checks. {@link org.latentcl.backend.ops.Ops} registers them all.
 *
 * <p>Adding an operation touches its kernel file, its module, its test, one line of the registry
 * and the generated row of docs/BACKEND.md; see "Adding an op" there.
 *
 * <p>Internal: not part of the API.
 */
package org.latentcl.backend.ops;
