/**
 * The models: {@link org.latentcl.model.VaeNetwork} (architecture and objective of Kingma &amp; Welling's
 * variational autoencoder), written once against {@link org.latentcl.backend.Backend} with the
 * layers of {@code org.latentcl.nn}. A line here never knows which backend runs it.
 *
 * <p>Internal: not part of the API (that is {@code org.latentcl} and {@code org.latentcl.data}).
 */
package org.latentcl.model;
