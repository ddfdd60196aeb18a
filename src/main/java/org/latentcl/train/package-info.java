/**
 * Training runs and their files: the VAE training loop and evaluation (ELBO, IWAE), metrics as
 * JSON lines, checkpoints in the safetensors format, image grids and loss plots as PNG.
 * Written against the model and backend layers; knows nothing of OpenCL.
 */
package org.latentcl.train;
