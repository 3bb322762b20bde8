package eqaug.apps.experiments;

import eqaug.data.Dataset;
import eqaug.nn.Architecture;
import java.util.Map;

/** One experiment of App. C, ready to train: its network, its data and what to report about the data. */
public record Experiment(String name, String title, Architecture architecture, Dataset data, Map<String, Object> dataStats) {}
