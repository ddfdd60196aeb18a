package org.latentcl.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CIFAR-10's binary version (https://www.cs.toronto.edu/~kriz/cifar.html): files
 * {@code data_batch_1.bin} ... {@code data_batch_5.bin} (training) and {@code test_batch.bin}, each a
 * run of records of one label byte (0-9) and 3072 pixel bytes: the red plane of 32 x 32, then green,
 * then blue, which is the NCHW layout LatentCL uses. Pixels are scaled to [0, 1].
 */
public final class Cifar10 {
    /** Bytes per record: a label and 3 x 32 x 32 pixels. */
    public static final int RECORD = 1 + 3 * 32 * 32;

    private Cifar10() {
    }

    /**
     * Whether a directory holds CIFAR-10's binary batches.
     *
     * @param dir the directory
     * @return true when it has data_batch_1.bin or test_batch.bin
     */
    public static boolean isCifarDirectory(Path dir) {
        return Files.isRegularFile(dir.resolve("data_batch_1.bin")) || Files.isRegularFile(dir.resolve("test_batch.bin"));
    }

    /**
     * The training batches present (1 to 5) and the test batch of a CIFAR-10 directory.
     *
     * @param dir the directory
     * @return training data from the data batches, test data from test_batch.bin
     * @throws DataException naming the file and what is wrong with it
     */
    public static DataSplit readDirectory(Path dir) {
        Path test = dir.resolve("test_batch.bin");
        if (!Files.isRegularFile(test)) {
            throw new DataException(dir + ": a CIFAR-10 directory needs test_batch.bin beside data_batch_1.bin ... data_batch_5.bin");
        }
        java.util.List<Path> trainFiles = new java.util.ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Path f = dir.resolve("data_batch_" + i + ".bin");
            if (Files.isRegularFile(f)) {
                trainFiles.add(f);
            }
        }
        if (trainFiles.isEmpty()) {
            throw new DataException(dir + ": a CIFAR-10 directory needs data_batch_1.bin ... data_batch_5.bin beside test_batch.bin");
        }
        String name = dir.getFileName() == null ? "cifar-10" : dir.getFileName().toString();
        return new DataSplit(read(name, trainFiles.toArray(new Path[0])), read(name, test), "test_batch.bin");
    }

    /**
     * The records of the given batch files, in order, as 3 x 32 x 32 colour images with their labels.
     *
     * @param name  the dataset's name
     * @param files batch files
     * @return the images, scaled to [0, 1]
     * @throws DataException naming the file and what is wrong with it
     */
    public static Dataset read(String name, Path... files) {
        long total = 0;
        for (Path f : files) {
            long size = size(f);
            if (size == 0 || size % RECORD != 0) {
                throw new DataException(f + ": " + size + " bytes is not a whole number of CIFAR-10 records (" + RECORD
                        + " bytes each: a label, then 3 x 32 x 32 pixels)");
            }
            total += size / RECORD;
        }
        if (total * (RECORD - 1) > Integer.MAX_VALUE - 8) {
            throw new DataException(files[0] + ": " + total + " CIFAR-10 records are more than one dataset can hold");
        }
        int n = (int) total;
        float[] values = new float[n * (RECORD - 1)];
        int[] labels = new int[n];
        int at = 0;
        for (Path f : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
            } catch (IOException e) {
                throw new DataException(f + ": cannot read (" + e.getMessage() + ")");
            }
            for (int r = 0; r < bytes.length / RECORD; r++, at++) {
                int label = bytes[r * RECORD] & 0xff;
                if (label > 9) {
                    throw new DataException(f + ": record " + r + " has label " + label + "; CIFAR-10 labels are 0 to 9");
                }
                labels[at] = label;
                for (int i = 1; i < RECORD; i++) {
                    values[at * (RECORD - 1) + i - 1] = (bytes[r * RECORD + i] & 0xff) / 255f;
                }
            }
        }
        return new Dataset(name, values, n, RECORD - 1, labels, 3, 32, 32);
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new DataException(f + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
