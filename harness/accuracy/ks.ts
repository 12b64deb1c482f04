/** The KS test lives in core (the load generator flags its own arrivals with it); re-exported for the accuracy checks. */
export * from '../../core/ks.js';
