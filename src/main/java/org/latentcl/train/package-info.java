/**
 * Training runs and their files: the VAE training loop and evaluation (ELBO, IWAE), metrics as
 * JSON lines, checkpoints in the safetensors format, image grids and loss plots as PNG.
 * Written against the model and backend layers; knows nothing of OpenCL.
 *
 * <p>Internal: not part of the API (that is {@code org.latentcl} and {@code org.latentcl.data}).
 */
package org.latentcl.train;
