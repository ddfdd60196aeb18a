/**
 * File formats and pictures: JSON, safetensors, PNG image grids and line plots, and atomic file
 * writes (a temporary file moved into place, so no half-written output is ever left).
 *
 * <p>This package sits beneath everything else and knows nothing of tensors, models or devices.
 *
 * <p>Internal: not part of the API.
 */
package org.latentcl.io;
