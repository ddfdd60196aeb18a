/**
 * Neural-network building blocks written once against {@link org.latentcl.backend.Backend}:
 * flat parameter storage ({@link org.latentcl.nn.Parameters}), {@link org.latentcl.nn.Linear}
 * layers with PyTorch's default initialization, {@link org.latentcl.nn.Mlp} stacks with their
 * forward and backward passes, and the {@link org.latentcl.nn.Adam} optimizer.
 *
 * <p>Nothing here knows which backend runs it, or what a VAE is.
 */
package org.latentcl.nn;
