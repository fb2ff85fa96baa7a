package io.microservicestack.bdd;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;
import org.junit.platform.suite.api.SuiteDisplayName;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;

/**
 * Runs every feature under {@code src/test/resources/features} with Cucumber, as one JUnit Platform suite (failsafe
 * runs it in {@code mvn verify}). Plugins and reports are set in {@code junit-platform.properties}.
 *
 * <p>The features are selected as the package {@code features}: Cucumber 7.34 warns against selecting a folder of
 * features with {@code @SelectClasspathResource}.
 */
@Suite
@SuiteDisplayName("The stack's behaviour, in Gherkin")
@IncludeEngines("cucumber")
@SelectPackages("features")
@ConfigurationParameter(key = GLUE_PROPERTY_NAME, value = "io.microservicestack.bdd")
public class RunCucumberIT {
}
