package org.latentcl.nn;

import java.util.ArrayList;
import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Philox;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Dot;
import org.latentcl.backend.ops.Elementwise;
import org.latentcl.backend.ops.Gemm;
import org.latentcl.backend.ops.SpectralNormOps;

/**
 * Spectral normalization (Miyato et al. 2018) of every weight matrix of a network (linear weights
 * [out, in], convolution weights as [out, in kh kw]), as PyTorch's {@code torch.nn.utils.spectral_norm}
 * computes it: the network sees W / sigma(W), sigma estimated by power iteration with persistent
 * vectors u and v. The optimizer steps the {@link #trained} parameters, in which each normalized
 * weight is named {@code NAME.weight_orig}; u and v are {@code NAME.weight_u} and {@code NAME.weight_v},
 * as in PyTorch's state_dict. The network binds to the {@link #effective} parameters, which
 * {@link #refresh} rewrites from the trained ones and {@link #backward} maps back.
 *
 * <p>Per refresh with iteration: v = normalize(W^T u), u = normalize(W v), sigma = u^T W v, and
 * W_sn = W / sigma. The gradient treats u and v as constants, as PyTorch's does:
 * dL/dW = G / sigma - (&lt;G, W&gt; / sigma^2) u v^T for G = dL/dW_sn.
 */
public final class SpectralNorm implements AutoCloseable {
    /** The suffixes PyTorch gives the original weight and the two vectors. */
    public static final String ORIG = "_orig";
    public static final String U = "_u";
    public static final String V = "_v";

    private final Backend be;
    private final Parameters trained;
    private final Parameters effective;
    private final List<Normalized> weights = new ArrayList<>();
    /** The runs of parameters that are not normalized (biases, batch-norm scales), as {trained, effective} views of values and of gradients. */
    private final List<Tensor[]> plainValues = new ArrayList<>();
    private final List<Tensor[]> plainGrads = new ArrayList<>();

    /**
     * One normalized weight: its name in the network, the trained weight W_orig and the effective
     * W / sigma (resolved once, so no step looks a name up), its vectors, and scratch for the iteration.
     */
    private record Normalized(String name, int rows, int cols, Param orig, Param normalized, Tensor u, Tensor v, Tensor uRaw, Tensor vRaw,
                              Tensor s) {
        void close() {
            for (Tensor t : new Tensor[] {u, v, uRaw, vRaw, s}) {
                t.close();
            }
        }
    }

    /** Whether a parameter is a weight that spectral normalization covers (not a bias or a batch-norm scale or shift). */
    public static boolean normalizes(ParamSpec s) {
        return s.role() == ParamSpec.Role.WEIGHT;
    }

    /** Spectral normalization of the weight matrices among {@code specs} (a network's); {@link #initialize} draws u and v. */
    public SpectralNorm(Backend be, List<ParamSpec> specs) {
        this.be = be;
        List<ParamSpec> renamed = new ArrayList<>();
        for (ParamSpec s : specs) {
            renamed.add(normalizes(s) ? s.renamed(s.name() + ORIG) : s);
        }
        Parameters t = null;
        Parameters e = null;
        try {
            t = new Parameters(be, renamed);
            e = new Parameters(be, specs);
            for (ParamSpec s : specs) {
                if (normalizes(s)) {
                    weights.add(new Normalized(s.name(), s.rows(), s.cols(), t.param(s.renamed(s.name() + ORIG)), e.param(s),
                            be.zeros(1, s.rows()), be.zeros(1, s.cols()), be.zeros(1, s.rows()), be.zeros(1, s.cols()), be.zeros(1, 4)));
                }
            }
        } catch (RuntimeException ex) {
            weights.forEach(Normalized::close);
            if (t != null) {
                t.close();
            }
            if (e != null) {
                e.close();
            }
            throw ex;
        }
        trained = t;
        effective = e;
        int offset = 0;
        int runStart = -1;
        for (ParamSpec s : specs) {
            if (normalizes(s)) {
                addPlainRun(runStart, offset);
                runStart = -1;
            } else if (runStart < 0) {
                runStart = offset;
            }
            offset += s.size();
        }
        addPlainRun(runStart, offset);
    }

    /** Parameters [from, to) are copied as they are between the trained and the effective sets (nothing when from is negative). */
    private void addPlainRun(int from, int to) {
        if (from >= 0 && to > from) {
            plainValues.add(new Tensor[] {trained.values().view(from, 1, to - from), effective.values().view(from, 1, to - from)});
            plainGrads.add(new Tensor[] {trained.grads().view(from, 1, to - from), effective.grads().view(from, 1, to - from)});
        }
    }

    /** Draws every u and v from the Philox stream of {@code seed}: normals divided by their norm, as PyTorch starts them. */
    public void initialize(long seed) {
        long counter = 0;
        for (Normalized n : weights) {
            be.write(n.u(), unitNormal(n.rows(), seed, counter));
            counter += n.rows();
            be.write(n.v(), unitNormal(n.cols(), seed, counter));
            counter += n.cols();
        }
    }

    /** n standard normals (Philox, from block counter) divided by their norm, as PyTorch starts u and v. */
    private static float[] unitNormal(int n, long seed, long counter) {
        float[] x = new float[n];
        Philox.fillNormal(x, 0, n, seed, counter);
        double ss = 0;
        for (float f : x) {
            ss += (double) f * f;
        }
        float norm = (float) Math.max(Math.sqrt(ss), SpectralNormOps.EPS);
        for (int i = 0; i < n; i++) {
            x[i] /= norm;
        }
        return x;
    }

    /** The parameters the optimizer steps and checkpoints hold (normalized weights named NAME.weight_orig). */
    public Parameters trained() {
        return trained;
    }

    /** The parameters the network binds to: the trained ones with each normalized weight divided by its sigma. */
    public Parameters effective() {
        return effective;
    }

    /**
     * Rewrites the effective parameters from the trained ones: with {@code iterate}, one power
     * iteration first (training); without, sigma = u^T W v from the vectors as they are (evaluation).
     */
    public void refresh(boolean iterate) {
        // The version moves first, so a transposed copy written below can be marked as of it.
        effective.changed();
        // Only what is not normalized is copied: every normalized weight is written below.
        for (Tensor[] run : plainValues) {
            Elementwise.copy(be, run[0], run[1]);
        }
        for (Normalized n : weights) {
            Tensor w = n.orig().value();
            if (iterate) {
                Gemm.gemm(be, false, false, 1f, n.u(), w, 0f, n.vRaw(), null, null);
                SpectralNormOps.normalizeVector(be, n.vRaw(), n.v(), n.s(), 0, -1);
            }
            Gemm.gemm(be, false, true, 1f, n.v(), w, 0f, n.uRaw(), null, null);
            if (iterate) {
                SpectralNormOps.normalizeVector(be, n.uRaw(), n.u(), n.s(), 1, 2);
            } else {
                Dot.dot(be, n.u(), n.uRaw(), n.s(), 2, false);
            }
            TransposedWeight copy = effective.transposedCopyIfKept(n.name());
            if (copy == null) {
                SpectralNormOps.divideBy(be, w, n.s(), 2, n.normalized().value());
            } else {
                SpectralNormOps.divideBy(be, w, n.s(), 2, n.normalized().value(), copy.storage());
                copy.writtenAt(effective.version()); // current: its layer need not transpose W / sigma again
            }
        }
    }

    /** The trained parameters' gradients from the effective ones' (after the network's backward passes). */
    public void backward() {
        for (Tensor[] run : plainGrads) {
            Elementwise.copy(be, run[1], run[0]);
        }
        for (Normalized n : weights) {
            Tensor g = n.normalized().grad();
            Dot.dot(be, g, n.orig().value(), n.s(), 3, false);
            SpectralNormOps.backward(be, g, n.orig().grad(), n.u(), n.v(), n.s(), 2);
        }
    }

    /** u and v of every normalized weight as buffers, under their state_dict names (NAME.weight_u [rows], NAME.weight_v [cols]). */
    public List<Buffer> buffers() {
        List<Buffer> out = new ArrayList<>();
        for (Normalized n : weights) {
            out.add(Buffer.of(n.name() + U, n.u(), n.rows()));
            out.add(Buffer.of(n.name() + V, n.v(), n.cols()));
        }
        return out;
    }

    @Override
    public void close() {
        weights.forEach(Normalized::close);
        trained.close();
        effective.close();
    }
}
