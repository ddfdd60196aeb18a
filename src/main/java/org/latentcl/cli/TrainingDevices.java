package org.latentcl.cli;

import java.util.List;
import java.util.stream.Collectors;
import org.latentcl.Device;
import org.latentcl.Trainer;

/** The opened devices of a training command: the first holds the model; with more, the run is data-parallel. */
record TrainingDevices(List<Device> all) implements AutoCloseable {
    Device lead() {
        return all.get(0);
    }

    /** "cl:1 (name)", or "2 devices: cl:1 (name) + cl:2 (name)". */
    String describe() {
        if (all.size() == 1) {
            return lead().name();
        }
        return all.size() + " devices: " + all.stream().map(Device::toString).collect(Collectors.joining(" + "));
    }

    /**
     * What a test adds to a training command's trainer, with the command's devices at hand: a
     * listener that closes one device in the middle of a run, as a lost device would be. Nothing
     * otherwise.
     */
    static java.util.function.BiConsumer<TrainingDevices, Trainer.Builder<?, ?>> extend = (devices, b) -> { };

    /** The trainer trains on all of them (one device: the plain run). */
    <B extends Trainer.Builder<B, ?>> B apply(B b, boolean balance) {
        B out = all.size() == 1 ? b : b.devices(all).balance(balance);
        extend.accept(this, out);
        return out;
    }

    @Override
    public void close() {
        all.forEach(Device::close);
    }
}
