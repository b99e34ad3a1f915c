/**
 * UI Kit entry of the issue panel (`jira:issuePanel` `testsigma-links`): the manifest's resource points here.
 */
import React from 'react';
import ForgeReconciler from '@forge/react';
import { Localised } from '../common/i18n';
import { PanelApp } from './PanelApp';

ForgeReconciler.render(
  <React.StrictMode>
    <Localised>
      <PanelApp />
    </Localised>
  </React.StrictMode>,
);
