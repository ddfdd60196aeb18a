package org.latentcl.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Philox;
import org.latentcl.backend.Tensor;

/**
 * Every parameter of a model in one flat tensor, with its gradients in a second one of the same
 * layout, so one optimizer launch updates the whole model. Each named parameter is a view.
 */
public final class Parameters implements AutoCloseable {
    private final Backend backend;
    private final Map<String, ParamSpec> specs = new LinkedHashMap<>();
    private final Map<String, Integer> offsets = new LinkedHashMap<>();
    private final Tensor values;
    private final Tensor grads;
    private final int size;
    /** The transposed copies layers keep of some weights, by name (TransposedWeight). */
    private final Map<String, TransposedWeight> transposed = new LinkedHashMap<>();

    /** The most values all of a model's parameters may have: one Java array, with int offsets. */
    public static final long MAX_TOTAL = Integer.MAX_VALUE - 8;

    public Parameters(Backend backend, List<ParamSpec> list) {
        this.backend = backend;
        long total = 0;
        for (ParamSpec s : list) {
            if (specs.put(s.name(), s) != null) {
                throw new IllegalArgumentException("parameter " + s.name() + " is declared twice");
            }
            offsets.put(s.name(), (int) Math.min(total, MAX_TOTAL));
            total += s.size();
        }
        if (total > MAX_TOTAL) {
            throw new IllegalArgumentException("the model would have " + total + " parameters, more than the " + MAX_TOTAL
                    + " it may hold; use smaller layers");
        }
        this.size = (int) total;
        this.values = backend.zeros(1, size);
        this.grads = backend.zeros(1, size);
    }

    /** Changes whenever the values may have changed (initialize, load, an optimizer step), so copies derived from them know when to refresh. */
    private long version;

    /**
     * A number that changes whenever the values may have changed; code that writes
     * {@link #values()} directly calls {@link #changed()}.
     */
    public long version() {
        return version;
    }

    /** Records that the values changed (an optimizer step wrote them). */
    public void changed() {
        version++;
    }

    public Backend backend() {
        return backend;
    }

    /** Number of scalar parameters. */
    public int size() {
        return size;
    }

    public Map<String, ParamSpec> specs() {
        return specs;
    }

    public Tensor values() {
        return values;
    }

    public Tensor grads() {
        return grads;
    }

    /** A declared parameter's views, for a layer to keep from the time it is bound. */
    public Param param(ParamSpec declared) {
        ParamSpec s = spec(declared.name());
        if (s.role() != declared.role() || s.size() != declared.size()) {
            throw new IllegalArgumentException("parameter " + declared.name() + " is declared differently here: " + s.shapeText());
        }
        int off = offsets.get(s.name());
        return new Param(s, values.view(off, s.rows(), s.cols()), grads.view(off, s.rows(), s.cols()));
    }

    /** The transposed copy of weight {@code p} that its layer keeps, made (zeroed) the first time one is asked for. */
    public TransposedWeight transposedCopy(Param p) {
        return transposed.computeIfAbsent(p.spec().name(), n -> new TransposedWeight(this, p));
    }

    /** The transposed copy of weight {@code name} if a layer keeps one, else null. */
    public TransposedWeight transposedCopyIfKept(String name) {
        return transposed.get(name);
    }

    public Tensor value(String name) {
        ParamSpec s = spec(name);
        return values.view(offsets.get(name), s.rows(), s.cols());
    }

    public Tensor grad(String name) {
        ParamSpec s = spec(name);
        return grads.view(offsets.get(name), s.rows(), s.cols());
    }

    private ParamSpec spec(String name) {
        ParamSpec s = specs.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no parameter named " + name + "; have " + specs.keySet());
        }
        return s;
    }

    /**
     * PyTorch's default initialization: nn.Linear's and the convolutions' weights by
     * kaiming_uniform(a = sqrt(5)) and their biases alike, which both come to
     * U(-1/sqrt(fan_in), 1/sqrt(fan_in)); a normalization's scale 1 and shift 0, as
     * nn.BatchNorm2d.reset_parameters sets them. The uniforms come from the Philox stream of
     * {@code seed} (one per value, whatever its role), so both backends start from the same numbers.
     */
    public void initialize(long seed) {
        float[] all = new float[size];
        Philox.fillUniform(all, 0, size, seed, 0);
        for (ParamSpec s : specs.values()) {
            int off = offsets.get(s.name());
            float bound = (float) (1.0 / Math.sqrt(s.fanIn()));
            for (int i = 0; i < s.size(); i++) {
                all[off + i] = switch (s.role()) {
                    case SCALE -> 1f;
                    case SHIFT -> 0f;
                    default -> (2f * all[off + i] - 1f) * bound;
                };
            }
        }
        backend.write(values, all);
        version++;
    }

    /**
     * The DCGAN initialization (Radford et al. 2016): every weight from N(0, std), every scale
     * (batch norm's gamma) from N(1, std), biases and shifts 0. Normals from the Philox stream of
     * {@code seed}, as on every backend.
     */
    public void initializeNormal(long seed, float std) {
        float[] all = new float[size];
        Philox.fillNormal(all, 0, size, seed, 0);
        for (ParamSpec s : specs.values()) {
            int off = offsets.get(s.name());
            float mean = s.role() == ParamSpec.Role.SCALE ? 1f : 0f;
            boolean zero = s.role() == ParamSpec.Role.BIAS || s.role() == ParamSpec.Role.SHIFT;
            for (int i = 0; i < s.size(); i++) {
                all[off + i] = zero ? 0f : mean + std * all[off + i];
            }
        }
        backend.write(values, all);
        version++;
    }

    /** Every parameter copied to the host, by name, in declaration order. */
    public Map<String, float[]> toHost() {
        float[] all = backend.read(values);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (ParamSpec s : specs.values()) {
            int off = offsets.get(s.name());
            out.put(s.name(), java.util.Arrays.copyOfRange(all, off, off + s.size()));
        }
        return out;
    }

    /** Loads every parameter from host arrays (each must exist with the declared size). */
    public void load(Map<String, float[]> byName) {
        float[] all = new float[size];
        for (ParamSpec s : specs.values()) {
            float[] v = byName.get(s.name());
            if (v == null) {
                throw new IllegalArgumentException("parameter " + s.name() + " is missing");
            }
            if (v.length != s.size()) {
                throw new IllegalArgumentException("parameter " + s.name() + " has " + v.length + " values, expected "
                        + s.rows() + "x" + s.cols());
            }
            System.arraycopy(v, 0, all, offsets.get(s.name()), v.length);
        }
        backend.write(values, all);
        version++;
    }

    @Override
    public void close() {
        transposed.values().forEach(TransposedWeight::close);
        transposed.clear();
        values.close();
        grads.close();
    }
}
