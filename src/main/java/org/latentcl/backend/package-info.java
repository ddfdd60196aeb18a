/**
 * Where tensors live and operations run: {@link org.latentcl.backend.Backend} (memory, transfers,
 * profiling, the dispatch of every operation) with its two implementations,
 * {@link org.latentcl.backend.JavaBackend} (plain Java; its {@code reference()} form runs every
 * operation's plain reference) and {@link org.latentcl.backend.ClBackend} (an OpenCL device, its
 * launch shapes and the typed kernel launches). The operations are modules of their own in
 * {@code org.latentcl.backend.ops}.
 *
 * <p>This package knows tensors and devices, not models: nothing here knows what a VAE is.
 *
 * <p>Internal: not part of the API (that is {@code org.latentcl} and {@code org.latentcl.data}).
 */
package org.latentcl.backend;
