package org.kmemdump.itest;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectBundleInstaller;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.install.BundleInstaller;

/**
 * What every in-framework test gets from osgi-test: the test bundle's context, ConfigurationAdmin
 * (the core's and the backends' configuration) and an installer of the embedded test bundles,
 * which uninstalls them after each test.
 */
abstract class InFramework {
    @InjectBundleContext
    BundleContext context;
    @InjectService
    ConfigurationAdmin configurationAdmin;
    @InjectBundleInstaller
    BundleInstaller installer;
}
