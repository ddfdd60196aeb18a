/**
 * Neural-network building blocks written once against {@link org.latentcl.backend.Backend}:
 * flat parameter storage ({@link org.latentcl.nn.Parameters}), {@link org.latentcl.nn.Linear}
 * layers with PyTorch's default initialization, {@link org.latentcl.nn.Mlp} stacks with their
 * forward and backward passes, and the {@link org.latentcl.nn.Adam} optimizer.
 *
 * <p>Nothing here knows which backend runs it, or what a VAE is.
 *
 * <p>Internal: not part of the API (that is {@code org.latentcl} and {@code org.latentcl.data}).
 */
package org.latentcl.nn;
